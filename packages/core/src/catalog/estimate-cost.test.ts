import { describe, expect, it } from "vitest";
import { DEFAULT_ESTIMATE_OUTPUT_TOKENS, estimateCost } from "./estimate-cost.ts";

describe("estimateCost", () => {
  it("prices the counted prompt and the output bound", () => {
    expect(
      estimateCost({
        provider: "openai",
        model: "gpt-4o",
        promptTokens: 1000,
        maxOutputTokens: 500,
      }),
    ).toEqual({
      cost: 0.0075,
      inputCost: 0.0025,
      outputCost: 0.005,
      known: true,
      outputTokens: 500,
    });
  });

  it("bounds the output by the model's max_output_tokens", () => {
    expect(
      estimateCost({ provider: "openai", model: "gpt-4o", promptTokens: 0 }).outputTokens,
    ).toBe(16_384);
    expect(
      estimateCost({
        provider: "openai",
        model: "gpt-4o",
        promptTokens: 0,
        maxOutputTokens: 1_000_000,
      }).outputTokens,
    ).toBe(16_384);
  });

  it("assumes the prompt may be written to the cache (Anthropic's 1.25x)", () => {
    expect(
      estimateCost({
        provider: "anthropic",
        model: "claude-sonnet-4-5",
        promptTokens: 1000,
        maxOutputTokens: 0,
      }).inputCost,
    ).toBe(0.00375);
  });

  it("uses the long-context tier for a long prompt", () => {
    expect(
      estimateCost({
        provider: "gemini",
        model: "gemini-2.5-pro",
        promptTokens: 300_000,
        maxOutputTokens: 100,
      }),
    ).toMatchObject({
      inputCost: 0.75,
      outputCost: 0.0015,
    });
  });

  it("reserves nothing for an embedding's output", () => {
    expect(
      estimateCost({ provider: "openai", model: "text-embedding-3-small", promptTokens: 500 }),
    ).toMatchObject({
      cost: 0.00001,
      outputTokens: 0,
    });
  });

  it("reports an unknown model as known: false", () => {
    expect(estimateCost({ provider: "openai", model: "gpt-9-ultra", promptTokens: 10 })).toEqual({
      cost: 0,
      inputCost: 0,
      outputCost: 0,
      known: false,
      outputTokens: DEFAULT_ESTIMATE_OUTPUT_TOKENS,
    });
  });
});
