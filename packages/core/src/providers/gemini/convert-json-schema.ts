import type { GeminiSchema } from "./wire-schemas.ts";

/**
 * Converts a JSON Schema (what OpenAI tools and `response_format` carry) to the OpenAPI 3.0
 * subset Gemini's `Schema` accepts (`functionDeclarations[].parameters`, `responseSchema`).
 * Gemini answers 400 INVALID_ARGUMENT for keywords outside that subset, so:
 *
 * - kept: type, format (per type, below), title, description, nullable, enum (strings only),
 *   properties, required, items, minItems, maxItems, minLength, maxLength, pattern, minimum,
 *   maximum, minProperties, maxProperties, anyOf, propertyOrdering, default, example;
 * - rewritten: `$ref` to `#/$defs/...` or `#/definitions/...` is inlined (a cycle stops at depth
 *   {@link MAX_REF_DEPTH} with an open object); type arrays `["string","null"]` become
 *   `type` + `nullable: true`; `anyOf` members `{type:"null"}` become `nullable`; `oneOf`
 *   becomes `anyOf`; `const` becomes a one-value `enum`; a one-member `allOf` is merged;
 *   `required` names that are not properties are dropped; `examples[0]` becomes `example`;
 * - dropped: `$schema`, `$id`, `$defs`, `definitions`, `additionalProperties`, `strict`,
 *   `patternProperties`, `unevaluatedProperties`, `dependentRequired`, `not`, `if/then/else`,
 *   `exclusiveMinimum`/`exclusiveMaximum`, `multipleOf`, `uniqueItems`, `contentEncoding`,
 *   `readOnly`/`writeOnly`, `deprecated`, and any other keyword; `format` values other than
 *   `enum`/`date-time` (string), `float`/`double` (number), `int32`/`int64` (integer); `enum`
 *   on non-string types (Gemini enums are strings only, and turning numbers into strings
 *   would change what the model returns).
 */
const MAX_REF_DEPTH = 8;

const COPIED_KEYWORDS = [
  "title",
  "description",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "minProperties",
  "maxProperties",
  "propertyOrdering",
  "default",
  "example",
] as const;

const FORMATS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  string: ["enum", "date-time"],
  number: ["float", "double"],
  integer: ["int32", "int64"],
};

type JsonObject = Record<string, unknown>;

export function convertJsonSchema(schema: JsonObject): GeminiSchema {
  const definitions = { ...asObject(schema.definitions), ...asObject(schema.$defs) };
  return convertNode(schema, definitions, 0);
}

/** True for `{type: "object"}` schemas with no properties: Gemini wants those omitted. */
export function isEmptyObjectSchema(schema: JsonObject | undefined): boolean {
  if (schema === undefined) return true;
  const properties = asObject(schema.properties);
  return (
    (schema.type === undefined || schema.type === "object") &&
    Object.keys(properties).length === 0 &&
    schema.$ref === undefined &&
    schema.anyOf === undefined &&
    schema.oneOf === undefined &&
    schema.allOf === undefined
  );
}

function convertNode(input: JsonObject, definitions: JsonObject, depth: number): GeminiSchema {
  let node = input;
  const ref = node.$ref;
  if (typeof ref === "string") {
    const target = resolveRef(ref, definitions);
    if (target === undefined || depth >= MAX_REF_DEPTH) return { type: "object" };
    // Sibling keywords (a description next to $ref) win over the target's.
    const { $ref: _ignored, ...siblings } = node;
    node = { ...target, ...siblings };
    depth += 1;
  }

  const allOf = node.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0])) {
    const { allOf: _ignored, ...rest } = node;
    node = { ...allOf[0], ...rest };
  }

  const out: GeminiSchema = {};
  let nullable = node.nullable === true;

  // type: a string, or a JSON Schema type array with null standing for `nullable`.
  let type: string | undefined;
  if (typeof node.type === "string") {
    type = node.type;
  } else if (Array.isArray(node.type)) {
    const types = node.type.filter((t): t is string => typeof t === "string");
    if (types.includes("null")) nullable = true;
    const concrete = types.filter((t) => t !== "null");
    if (concrete.length === 1) type = concrete[0];
    else if (concrete.length > 1) {
      out.anyOf = concrete.map((t) =>
        convertNode({ ...node, type: t, nullable: false }, definitions, depth),
      );
    }
  }
  if (type === "null") {
    nullable = true;
    type = undefined;
  }
  if (type !== undefined) out.type = type;

  for (const keyword of COPIED_KEYWORDS) {
    if (node[keyword] !== undefined) out[keyword] = node[keyword];
  }
  if (out.example === undefined && Array.isArray(node.examples) && node.examples.length > 0) {
    out.example = node.examples[0];
  }

  if (
    typeof node.format === "string" &&
    type !== undefined &&
    FORMATS_BY_TYPE[type]?.includes(node.format)
  ) {
    out.format = node.format;
  }

  const enumValues = Array.isArray(node.enum)
    ? node.enum
    : node.const !== undefined
      ? [node.const]
      : undefined;
  if (enumValues !== undefined) {
    if (enumValues.includes(null)) nullable = true;
    const values = enumValues.filter((value) => value !== null);
    if (
      values.length > 0 &&
      values.every((value) => typeof value === "string") &&
      (type === undefined || type === "string")
    ) {
      out.type = "string";
      out.enum = values;
    }
  }

  const properties = asObject(node.properties);
  if (node.properties !== undefined) {
    const converted: JsonObject = {};
    for (const [name, child] of Object.entries(properties)) {
      if (isObject(child)) converted[name] = convertNode(child, definitions, depth);
    }
    out.properties = converted;
    if (Array.isArray(node.required)) {
      const required = node.required.filter(
        (name): name is string => typeof name === "string" && name in converted,
      );
      if (required.length > 0) out.required = required;
    }
  }

  if (isObject(node.items)) {
    out.items = convertNode(node.items, definitions, depth);
  } else if (Array.isArray(node.items) && isObject(node.items[0])) {
    // Tuple schemas have no OpenAPI 3.0 form: the first member stands for all.
    out.items = convertNode(node.items[0], definitions, depth);
  } else if (type === "array" && Array.isArray(node.prefixItems) && isObject(node.prefixItems[0])) {
    out.items = convertNode(node.prefixItems[0], definitions, depth);
  }

  const variants = Array.isArray(node.anyOf)
    ? node.anyOf
    : Array.isArray(node.oneOf)
      ? node.oneOf
      : undefined;
  if (variants !== undefined) {
    const members: GeminiSchema[] = [];
    for (const variant of variants) {
      if (!isObject(variant)) continue;
      if (variant.type === "null") {
        nullable = true;
        continue;
      }
      members.push(convertNode(variant, definitions, depth));
    }
    if (members.length === 1 && out.type === undefined) {
      // `anyOf: [X, null]` is the usual "optional X": flatten it.
      Object.assign(
        out,
        members[0],
        out.description === undefined ? {} : { description: out.description },
      );
    } else if (members.length > 0) {
      out.anyOf = members;
    }
  }

  if (nullable) out.nullable = true;
  return out;
}

function resolveRef(ref: string, definitions: JsonObject): JsonObject | undefined {
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  if (match?.[1] === undefined) return undefined;
  const name = decodeURIComponent(match[1].replace(/~1/g, "/").replace(/~0/g, "~"));
  const target = definitions[name];
  return isObject(target) ? target : undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asObject(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}
