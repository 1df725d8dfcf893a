import { isRecord } from "../fake-server/is-record.ts";
type Json = Record<string, unknown>;

/**
 * Plausible arguments for a function declaration's `parameters` (OpenAPI subset, upper- or
 * lower-case types): every required property gets its first enum value, or "example" / 1 /
 * true / a one-item array / a nested object.
 */
export function exampleArgs(schema: Json | undefined): Json {
  const args: Json = {};
  if (schema === undefined) return args;
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required)
    ? schema.required.map(String)
    : Object.keys(properties);
  for (const name of required) {
    const property = properties[name];
    if (isRecord(property)) args[name] = exampleValue(property);
  }
  return args;
}

function exampleValue(schema: Json): unknown {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const anyOf = Array.isArray(schema.anyOf) ? schema.anyOf.find(isRecord) : undefined;
  if (schema.type === undefined && anyOf !== undefined) return exampleValue(anyOf);
  switch (String(schema.type ?? "string").toLowerCase()) {
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    case "array":
      return isRecord(schema.items) ? [exampleValue(schema.items)] : [];
    case "object":
      return exampleArgs(schema);
    default:
      return "example";
  }
}
