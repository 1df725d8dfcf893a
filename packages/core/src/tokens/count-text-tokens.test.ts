import { describe, expect, it } from "vitest";
import { countTextTokens } from "./count-text-tokens.ts";
import { tiktokenEncoding } from "./tiktoken-encodings.ts";

const PROSE =
  "Budgets hold only if every request is priced before it is sent. The gateway counts the " +
  "prompt, bounds the answer by max_tokens, and reserves the estimate against the key, the " +
  "team and the organisation; after the call it settles the reservation to the exact cost.";

describe("countTextTokens", () => {
  it("counts OpenAI models exactly with their encoding", () => {
    expect(countTextTokens("hello world", { provider: "openai", model: "gpt-4o" })).toBe(2);
    expect(countTextTokens("hello world", { provider: "openai", model: "gpt-3.5-turbo" })).toBe(2);
    expect(countTextTokens(PROSE, { provider: "azure", model: "gpt-4" })).toBe(
      tiktokenEncoding("cl100k_base").count(PROSE),
    );
  });

  it("estimates other providers as o200k_base x factor, within documented bounds", () => {
    const o200k = tiktokenEncoding("o200k_base").count(PROSE);
    const claude = countTextTokens(PROSE, { provider: "anthropic", model: "claude-sonnet-4-6" });
    expect(claude).toBe(Math.ceil(o200k * 1.25));
    for (const target of [
      { provider: "anthropic", model: "claude-opus-4-7" },
      { provider: "gemini", model: "gemini-2.5-flash" },
      { provider: "bedrock", model: "meta.llama3-1-70b-instruct-v1:0" },
      { provider: "mistral", model: "mistral-large-latest" },
      { provider: "unknown", model: "x" },
    ]) {
      const estimate = countTextTokens(PROSE, target);
      // Never below the o200k count, at most 1.7x it; and between 2 and 8 characters a token.
      expect(estimate).toBeGreaterThanOrEqual(o200k);
      expect(estimate).toBeLessThanOrEqual(Math.ceil(o200k * 1.7));
      expect(estimate).toBeGreaterThan(PROSE.length / 8);
      expect(estimate).toBeLessThan(PROSE.length / 2);
    }
  });
});
