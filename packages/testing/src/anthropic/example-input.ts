import { isRecord } from "../fake-server/is-record.ts";

type Json = Record<string, unknown>;

/**
 * Plausible tool input for an `input_schema`: each required property (all of them when none
 * are listed) gets its first enum value, or "example" / 1 / true / a one-item array / a nested
 * object.
 */
export function exampleInput(schema: unknown): Json {
  const input: Json = {};
  if (!isRecord(schema)) return input;
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required)
    ? schema.required.map(String)
    : Object.keys(properties);
  for (const name of required) {
    const property = properties[name];
    if (isRecord(property)) input[name] = exampleValue(property);
  }
  return input;
}

function exampleValue(schema: Json): unknown {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const variant = [schema.anyOf, schema.oneOf].find(Array.isArray)?.find(isRecord);
  if (schema.type === undefined && variant !== undefined) return exampleValue(variant);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    case "array":
      return isRecord(schema.items) ? [exampleValue(schema.items)] : [];
    case "object":
      return exampleInput(schema);
    case "null":
      return null;
    default:
      return "example";
  }
}
