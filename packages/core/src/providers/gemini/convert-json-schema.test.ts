import { describe, expect, it } from "vitest";
import { convertJsonSchema, isEmptyObjectSchema } from "./convert-json-schema.ts";

describe("convertJsonSchema", () => {
  it("drops keywords outside Gemini's OpenAPI subset, recursively", () => {
    expect(
      convertJsonSchema({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $id: "urn:x",
        type: "object",
        additionalProperties: false,
        properties: {
          meta: {
            type: "object",
            additionalProperties: { type: "string" },
            patternProperties: { "^x-": { type: "string" } },
            properties: { n: { type: "integer", exclusiveMinimum: 0, multipleOf: 2, minimum: 1 } },
          },
          list: {
            type: "array",
            uniqueItems: true,
            items: { type: "number", format: "double" },
            maxItems: 3,
          },
        },
        required: ["meta", "ghost"],
      }),
    ).toEqual({
      type: "object",
      properties: {
        meta: { type: "object", properties: { n: { type: "integer", minimum: 1 } } },
        list: { type: "array", items: { type: "number", format: "double" }, maxItems: 3 },
      },
      required: ["meta"],
    });
  });

  it("inlines $ref from $defs and definitions, and stops recursion", () => {
    const node = convertJsonSchema({
      type: "object",
      properties: {
        child: { $ref: "#/$defs/Node", description: "the child" },
        old: { $ref: "#/definitions/Old" },
      },
      $defs: { Node: { type: "object", properties: { child: { $ref: "#/$defs/Node" } } } },
      definitions: { Old: { type: "boolean" } },
    });
    expect(node.properties).toMatchObject({
      child: { type: "object", description: "the child" },
      old: { type: "boolean" },
    });
    let depth = 0;
    let cursor = node.properties as Record<string, unknown>;
    while (cursor.child !== undefined && depth < 20) {
      cursor = (cursor.child as { properties?: Record<string, unknown> }).properties ?? {};
      depth += 1;
    }
    expect(depth).toBeLessThan(20);
  });

  it("turns null unions into nullable and oneOf into anyOf", () => {
    expect(
      convertJsonSchema({ anyOf: [{ type: "string" }, { type: "null" }], description: "maybe" }),
    ).toEqual({
      type: "string",
      description: "maybe",
      nullable: true,
    });
    expect(convertJsonSchema({ oneOf: [{ type: "string" }, { type: "integer" }] })).toEqual({
      anyOf: [{ type: "string" }, { type: "integer" }],
    });
    expect(convertJsonSchema({ type: ["string", "integer", "null"] })).toEqual({
      anyOf: [{ type: "string" }, { type: "integer" }],
      nullable: true,
    });
  });

  it("keeps string enums, turns const into enum, drops non-string enums and unsupported formats", () => {
    expect(convertJsonSchema({ const: "fixed" })).toEqual({ type: "string", enum: ["fixed"] });
    expect(convertJsonSchema({ type: "integer", enum: [1, 2] })).toEqual({ type: "integer" });
    expect(convertJsonSchema({ type: "string", format: "email" })).toEqual({ type: "string" });
    expect(convertJsonSchema({ type: "string", format: "date-time" })).toEqual({
      type: "string",
      format: "date-time",
    });
  });

  it("merges a single allOf and takes examples[0] as example", () => {
    expect(
      convertJsonSchema({ allOf: [{ type: "string", minLength: 2 }], examples: ["ab"] }),
    ).toEqual({
      type: "string",
      minLength: 2,
      example: "ab",
    });
  });

  it("recognises empty object schemas", () => {
    expect(isEmptyObjectSchema({ type: "object", properties: {} })).toBe(true);
    expect(isEmptyObjectSchema({ type: "object" })).toBe(true);
    expect(isEmptyObjectSchema({ type: "object", properties: { a: { type: "string" } } })).toBe(
      false,
    );
  });
});
