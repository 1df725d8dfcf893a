import { describe, expect, it } from "vitest";
import {
  COLUMN_LIMITS,
  boundedText,
  dateText,
  durationText,
  int32,
  jsonProblem,
  money,
} from "./field-bounds.ts";

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) =>
  schema.safeParse(value).success;

describe("field bounds match the columns", () => {
  it("text: length in characters, no NUL, no lone surrogate, paired surrogates fine", () => {
    expect(ok(boundedText(), "x".repeat(COLUMN_LIMITS.textChars))).toBe(true);
    expect(ok(boundedText(), "x".repeat(COLUMN_LIMITS.textChars + 1))).toBe(false);
    expect(ok(boundedText(), "a\u0000")).toBe(false);
    expect(ok(boundedText(), "\ud800")).toBe(false);
    expect(ok(boundedText(), "\udc00a")).toBe(false);
    expect(ok(boundedText(), "😀")).toBe(true);
    // 512 four-byte characters still fit a btree row.
    expect(Buffer.byteLength("😀".repeat(COLUMN_LIMITS.textChars / 2))).toBeLessThan(2704);
  });

  it("money: numeric(20,10) holds values below 1e10", () => {
    expect(ok(money(), 9_999_999_999.5)).toBe(true);
    expect(ok(money(), 1e10)).toBe(false);
    expect(ok(money(), -1)).toBe(false);
  });

  it("int32: integer column", () => {
    expect(ok(int32(), 2 ** 31 - 1)).toBe(true);
    expect(ok(int32(), 2 ** 31)).toBe(false);
  });

  it("durations: at most 100 years, so every expiry and reset is a valid date", () => {
    expect(ok(durationText(), "36500d")).toBe(true);
    expect(ok(durationText(), "99999999999d")).toBe(false);
    expect(ok(durationText(), "1000mo")).toBe(true);
    expect(ok(durationText(), "99999999mo")).toBe(false);
  });

  it("dates: years 1 to 9999", () => {
    expect(ok(dateText(), "2026-01-01")).toBe(true);
    expect(ok(dateText(), "+275760-01-01")).toBe(false);
    expect(ok(dateText(), "-200000-01-01")).toBe(false);
    expect(ok(dateText(), "soon")).toBe(false);
  });

  it("json: depth, size, characters and __proto__, without recursion", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(jsonProblem(deep)).toMatch(/nested deeper/);
    let fine: unknown = 1;
    for (let i = 0; i < COLUMN_LIMITS.jsonDepth; i++) fine = [fine];
    expect(jsonProblem(fine)).toBeUndefined();
    expect(jsonProblem({ a: "x".repeat(COLUMN_LIMITS.jsonChars) })).toMatch(/at most/);
    expect(jsonProblem({ "k\u0000": 1 })).toMatch(/NUL/);
    expect(jsonProblem(["\udfff"])).toMatch(/surrogate/);
    expect(jsonProblem(JSON.parse('{"__proto__": {"x": 1}}'))).toMatch(/__proto__/);
  });
});
