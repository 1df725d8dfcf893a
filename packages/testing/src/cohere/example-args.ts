import { isRecord } from "../fake-server/is-record.ts";

type Json = Record<string, unknown>;

/**
 * Plausible arguments for a tool's JSON Schema `parameters`: each required property (all of
 * them when none is marked required) gets its first enum value, or "example" / 1 / true / a
 * one-item array / a nested object.
 */
export function exampleArgs(schema: unknown): Json {
  const args: Json = {};
  if (!isRecord(schema)) return args;
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required)
    ? schema.required.map(String)
    : Object.keys(properties);
  for (const name of required) {
    const property = properties[name];
    if (isRecord(property)) args[name] = exampleValue(property, "example");
  }
  return args;
}

/** A value of the schema's type; strings get `text`. */
export function exampleValue(schema: Json, text: string): unknown {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (String(type ?? "string")) {
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    case "array":
      return isRecord(schema.items) ? [exampleValue(schema.items, text)] : [];
    case "object": {
      const out: Json = {};
      const properties = isRecord(schema.properties) ? schema.properties : {};
      for (const [name, property] of Object.entries(properties)) {
        if (isRecord(property)) out[name] = exampleValue(property, text);
      }
      return out;
    }
    default:
      return text;
  }
}
