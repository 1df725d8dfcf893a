import { describe, expect, it } from "vitest";
import { quoteSchemaName } from "./schema-name.ts";

describe("quoteSchemaName", () => {
  it("quotes plain identifiers", () => {
    expect(quoteSchemaName("tenant_42")).toBe('"tenant_42"');
    expect(quoteSchemaName("Mixed_Case")).toBe('"Mixed_Case"');
  });

  it.each(["", "1abc", "a-b", 'a"b', "a b", "a;b", "x".repeat(64)])("rejects %j", (name) => {
    expect(() => quoteSchemaName(name)).toThrow(/schema name/);
  });
});
