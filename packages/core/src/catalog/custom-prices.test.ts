import { describe, expect, it } from "vitest";
import { computeCost } from "./compute-cost.ts";
import { estimateCost } from "./estimate-cost.ts";

// Custom prices (LiteLLM's names in litellm_params / model_info) win over the catalog field by
// field, for the charge and the reservation alike.
describe("custom prices", () => {
  const cachedUsage = {
    prompt_tokens: 1000,
    completion_tokens: 100,
    prompt_tokens_details: { cached_tokens: 800 },
  };

  it("a custom input price keeps the catalog's cache-read price", () => {
    // 200 x 2e-6 + 800 x 1.25e-6 (gpt-4o's list cache read) + 100 x 1e-5
    expect(
      computeCost({
        provider: "openai",
        model: "gpt-4o",
        usage: cachedUsage,
        overrides: { litellm_params: { input_cost_per_token: 2e-6 } },
      }).cost,
    ).toBeCloseTo(0.0004 + 0.001 + 0.001, 12);
  });

  it("a custom cache_read_input_token_cost wins, litellm_params over model_info", () => {
    const cost = computeCost({
      provider: "openai",
      model: "gpt-4o",
      usage: cachedUsage,
      overrides: {
        litellm_params: { cache_read_input_token_cost: "1e-7" },
        model_info: { cache_read_input_token_cost: 9e-7, output_cost_per_token: 2e-5 },
      },
    });
    // 200 x 2.5e-6 + 800 x 1e-7 + 100 x 2e-5
    expect(cost).toMatchObject({ known: true });
    expect(cost.cost).toBeCloseTo(0.0005 + 0.00008 + 0.002, 12);
  });

  it("prices cache reads and writes of a model the catalog does not know", () => {
    const cost = computeCost({
      provider: "anthropic",
      model: "house-claude",
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 10,
        prompt_tokens_details: { cached_tokens: 600, cache_creation_tokens: 300 },
      },
      overrides: {
        litellm_params: {
          input_cost_per_token: 1e-6,
          output_cost_per_token: 4e-6,
          cache_read_input_token_cost: 1e-7,
          cache_creation_input_token_cost: 2e-6,
        },
      },
    });
    // 100 x 1e-6 + 600 x 1e-7 + 300 x 2e-6 + 10 x 4e-6
    expect(cost.cost).toBeCloseTo(0.0001 + 0.00006 + 0.0006 + 0.00004, 12);
  });

  it("bills a custom long-context tier above its threshold, and only there", () => {
    const overrides = {
      litellm_params: {
        input_cost_per_token: 1e-6,
        output_cost_per_token: 2e-6,
        input_cost_per_token_above_200k_tokens: 3e-6,
        output_cost_per_token_above_200k_tokens: 5e-6,
      },
    };
    const at = (prompt: number) =>
      computeCost({
        provider: "openai",
        model: "house-model",
        usage: { prompt_tokens: prompt, completion_tokens: 1000 },
        overrides,
      }).cost;
    expect(at(200_000)).toBeCloseTo(200_000 * 1e-6 + 1000 * 2e-6, 12);
    expect(at(200_001)).toBeCloseTo(200_001 * 3e-6 + 1000 * 5e-6, 12);
    // The reservation uses the same tier from the counted prompt.
    expect(
      estimateCost({
        provider: "openai",
        model: "house-model",
        promptTokens: 250_000,
        maxOutputTokens: 1000,
        overrides,
      }).cost,
    ).toBeCloseTo(250_000 * 3e-6 + 1000 * 5e-6, 12);
  });

  it("a custom tier price at the catalog's threshold overrides that field only", () => {
    const cost = computeCost({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      usage: {
        prompt_tokens: 300_000,
        completion_tokens: 100,
        prompt_tokens_details: { cached_tokens: 100_000 },
      },
      overrides: { model_info: { input_cost_per_token_above_200k_tokens: 5e-6 } },
    });
    // 200k x 5e-6 (custom) + 100k x 6e-7 (catalog tier cache read) + 100 x 2.25e-5 (catalog tier)
    expect(cost.cost).toBeCloseTo(1 + 0.06 + 0.00225, 12);
  });

  it("prices reasoning tokens at a custom reasoning price", () => {
    const cost = computeCost({
      provider: "openai",
      model: "house-reasoner",
      usage: {
        prompt_tokens: 0,
        completion_tokens: 1000,
        completion_tokens_details: { reasoning_tokens: 600 },
      },
      overrides: {
        litellm_params: { output_cost_per_token: 1e-6, output_cost_per_reasoning_token: 3e-6 },
      },
    });
    expect(cost.cost).toBeCloseTo(400 * 1e-6 + 600 * 3e-6, 12);
  });

  it("per-second prices: cost_per_second over input_ over output_cost_per_second, tokens free", () => {
    const at = (overrides: Record<string, unknown>) =>
      computeCost({
        provider: "openai",
        model: "gpt-4o",
        usage: cachedUsage,
        overrides: { model_info: overrides },
        durationSeconds: 2,
      }).cost;
    expect(at({ cost_per_second: 0.01, input_cost_per_second: 0.5 })).toBeCloseTo(0.02, 12);
    expect(at({ input_cost_per_second: 0.01, output_cost_per_second: 0.5 })).toBeCloseTo(0.02, 12);
    expect(at({ output_cost_per_second: 0.01 })).toBeCloseTo(0.02, 12);
    // A per-token price in the config wins: per-second is ignored.
    expect(at({ input_cost_per_second: 1, input_cost_per_token: 1e-6 })).toBeCloseTo(
      200 * 1e-6 + 800 * 1.25e-6 + 100 * 1e-5,
      12,
    );
  });
});
