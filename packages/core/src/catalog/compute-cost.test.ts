import { describe, expect, it } from "vitest";
import type { Usage } from "../openai/chat-response.ts";
import { computeCost } from "./compute-cost.ts";

describe("computeCost", () => {
  it("bills OpenAI cached tokens at the cache-read price (prompt_tokens includes them)", () => {
    const usage: Usage = {
      prompt_tokens: 1000,
      completion_tokens: 200,
      total_tokens: 1200,
      prompt_tokens_details: { cached_tokens: 400 },
    };
    // 600 x 2.5e-6 + 400 x 1.25e-6 = 0.002; 200 x 1e-5 = 0.002
    expect(computeCost({ provider: "openai", model: "gpt-4o-2024-08-06", usage })).toEqual({
      cost: 0.004,
      inputCost: 0.002,
      outputCost: 0.002,
      known: true,
    });
  });

  it("bills Anthropic cache reads and cache writes at their own prices", () => {
    const usage = {
      prompt_tokens: 10_000,
      completion_tokens: 500,
      total_tokens: 10_500,
      prompt_tokens_details: { cached_tokens: 6000, cache_creation_tokens: 2000 },
    };
    // 2000 x 3e-6 + 6000 x 3e-7 + 2000 x 3.75e-6 = 0.006 + 0.0018 + 0.0075; 500 x 1.5e-5
    expect(
      computeCost({ provider: "anthropic", model: "claude-sonnet-4-5-20250929", usage }),
    ).toEqual({
      cost: 0.0228,
      inputCost: 0.0153,
      outputCost: 0.0075,
      known: true,
    });
  });

  it("prices Bedrock regional profiles at their own rates", () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 100 };
    expect(
      computeCost({
        provider: "bedrock",
        model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        usage,
      }).cost,
    ).toBe(
      0.00495, // 1000 x 3.3e-6 + 100 x 1.65e-5
    );
  });

  it("switches to long-context prices above the threshold", () => {
    const usage = { prompt_tokens: 250_000, completion_tokens: 1000 };
    expect(computeCost({ provider: "gemini", model: "gemini-2.5-pro", usage })).toMatchObject({
      inputCost: 0.625, // 250K x 2.5e-6
      outputCost: 0.015, // 1000 x 1.5e-5
    });
    expect(
      computeCost({
        provider: "gemini",
        model: "gemini-2.5-pro",
        usage: { prompt_tokens: 200_000 },
      }).inputCost,
    ).toBe(0.25);
  });

  it("bills reasoning tokens at their own price when the model has one", () => {
    const usage = {
      prompt_tokens: 0,
      completion_tokens: 1000,
      completion_tokens_details: { reasoning_tokens: 800 },
    };
    const overrides = {
      model_info: {
        input_cost_per_token: 1e-6,
        output_cost_per_token: 2e-6,
        output_cost_per_reasoning_token: 5e-6,
      },
    };
    // 200 x 2e-6 + 800 x 5e-6
    expect(
      computeCost({ provider: "openai", model: "my-model", usage, overrides }).outputCost,
    ).toBe(0.0044);
    // Without a reasoning price, reasoning tokens are ordinary output tokens.
    expect(computeCost({ provider: "openai", model: "o3", usage }).outputCost).toBe(0.008);
  });

  it("prices embeddings by prompt tokens only", () => {
    expect(
      computeCost({
        provider: "openai",
        model: "text-embedding-3-small",
        usage: { prompt_tokens: 1000 },
      }),
    ).toEqual({ cost: 0.00002, inputCost: 0.00002, outputCost: 0, known: true });
    expect(
      computeCost({
        provider: "openai",
        model: "text-embedding-3-large",
        usage: { prompt_tokens: 1000, completion_tokens: 5 },
        kind: "embedding",
      }).cost,
    ).toBe(0.00013);
  });

  it("uses a deployment's custom price, cache hits falling back to it", () => {
    const usage = {
      prompt_tokens: 1000,
      completion_tokens: 100,
      prompt_tokens_details: { cached_tokens: 500 },
    };
    expect(
      computeCost({
        provider: "azure",
        model: "prod",
        usage,
        overrides: { litellm_params: { input_cost_per_token: 1e-6, output_cost_per_token: 4e-6 } },
      }),
    ).toEqual({ cost: 0.0014, inputCost: 0.001, outputCost: 0.0004, known: true });
  });

  it("reports an unknown model as known: false with cost 0", () => {
    expect(
      computeCost({
        provider: "openai",
        model: "gpt-9-ultra",
        usage: { prompt_tokens: 10, completion_tokens: 10 },
      }),
    ).toEqual({
      cost: 0,
      inputCost: 0,
      outputCost: 0,
      known: false,
    });
    expect(
      computeCost({
        provider: "ollama",
        model: "llama3",
        usage: { prompt_tokens: 10 },
        overrides: { model_info: { max_input_tokens: 8192 } },
      }).known,
    ).toBe(false);
  });

  it("never bills negative parts for inconsistent usage", () => {
    const usage = {
      prompt_tokens: 100,
      completion_tokens: 0,
      prompt_tokens_details: { cached_tokens: 150, cache_creation_tokens: 50 },
    };
    const result = computeCost({ provider: "anthropic", model: "claude-haiku-4-5", usage });
    expect(result.inputCost).toBe(0.00001); // all 100 as cache reads at 1e-7
  });
});
