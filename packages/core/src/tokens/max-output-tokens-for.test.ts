import { describe, expect, it } from "vitest";
import { maxOutputTokensFor } from "./max-output-tokens-for.ts";

describe("maxOutputTokensFor", () => {
  it("takes the request's bound, capped by the model's, times n", () => {
    expect(maxOutputTokensFor({ max_completion_tokens: 500 }, { max_output_tokens: 16_384 })).toBe(
      500,
    );
    expect(maxOutputTokensFor({ max_tokens: 100_000 }, { max_output_tokens: 16_384 })).toBe(16_384);
    expect(maxOutputTokensFor({ max_tokens: 100, max_completion_tokens: 200 }, undefined)).toBe(
      200,
    );
    expect(maxOutputTokensFor({ max_tokens: 100, n: 3 }, { max_output_tokens: 4096 })).toBe(300);
  });

  it("falls back to the model's limit, or nothing", () => {
    expect(maxOutputTokensFor({ max_tokens: null }, { max_output_tokens: 8192 })).toBe(8192);
    expect(maxOutputTokensFor({}, undefined)).toBeUndefined();
  });
});
