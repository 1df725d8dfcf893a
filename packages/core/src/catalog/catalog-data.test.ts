import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "./catalog-entry.ts";
import { lookupModel } from "./lookup-model.ts";
import { catalogIndexFor, catalogProviders } from "./provider-catalogs.ts";

function checkPrice(value: number | undefined): void {
  if (value === undefined) return;
  expect(Number.isFinite(value)).toBe(true);
  expect(value).toBeGreaterThanOrEqual(0);
  expect(value).toBeLessThan(0.01); // per token: catches a per-1M price pasted in
}

describe("catalog data", () => {
  it("holds well-formed entries for every provider", () => {
    for (const provider of catalogProviders()) {
      const index = catalogIndexFor(provider)!;
      expect(index.size, provider).toBeGreaterThan(0);
      for (const { key, entry } of index.values()) {
        const e: Readonly<CatalogEntry> = entry;
        expect(["chat", "embedding"], key).toContain(e.mode);
        for (const price of [
          e.input_cost_per_token,
          e.output_cost_per_token,
          e.cache_read_input_token_cost,
          e.cache_creation_input_token_cost,
          e.output_cost_per_reasoning_token,
          e.long_context?.input_cost_per_token,
          e.long_context?.output_cost_per_token,
        ]) {
          checkPrice(price);
        }
        if (e.max_input_tokens !== undefined)
          expect(Number.isInteger(e.max_input_tokens), key).toBe(true);
        if (e.long_context !== undefined)
          expect(e.long_context.above_tokens, key).toBeGreaterThan(0);
        if (e.mode === "embedding") expect(e.output_cost_per_token, key).toBe(0);
      }
    }
  });

  it.each([
    ["openai", "gpt-4o"],
    ["openai", "gpt-4o-mini"],
    ["openai", "gpt-4.1-nano"],
    ["openai", "o3"],
    ["openai", "o4-mini"],
    ["openai", "gpt-5"],
    ["openai", "gpt-5-nano"],
    ["openai", "text-embedding-3-large"],
    ["azure", "gpt-5-mini"],
    ["anthropic", "claude-opus-4-1"],
    ["anthropic", "claude-opus-4-5"],
    ["anthropic", "claude-sonnet-4-20250514"],
    ["anthropic", "claude-sonnet-4-6"],
    ["anthropic", "claude-haiku-4-5"],
    ["gemini", "gemini-2.5-flash-lite"],
    ["gemini", "gemini-embedding-001"],
    ["vertex_ai", "text-embedding-005"],
    ["bedrock", "anthropic.claude-haiku-4-5-20251001-v1:0"],
    ["bedrock", "amazon.nova-pro-v1:0"],
    ["bedrock", "cohere.embed-english-v3"],
    ["bedrock", "meta.llama3-1-70b-instruct-v1:0"],
    ["mistral", "mistral-large-latest"],
    ["mistral", "mistral-small-latest"],
    ["mistral", "mistral-embed"],
    ["cohere", "command-r"],
    ["cohere_chat", "command-a-03-2025"],
    ["cohere", "embed-english-v3.0"],
    ["groq", "llama-3.3-70b-versatile"],
    ["deepseek", "deepseek-chat"],
    ["xai", "grok-4"],
    ["together_ai", "meta-llama/Llama-3.3-70B-Instruct-Turbo"],
    ["fireworks_ai", "accounts/fireworks/models/llama-v3p1-8b-instruct"],
  ])("prices %s/%s", (provider, model) => {
    const resolved = lookupModel(provider, model);
    expect(resolved?.priceSource).toBe("catalog");
    expect(resolved!.input_cost_per_token).toBeGreaterThan(0);
  });
});
