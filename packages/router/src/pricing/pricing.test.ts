import { DEFAULT_ESTIMATE_OUTPUT_TOKENS, defaultProviders, type Usage } from "@org/core";
import { describe, expect, it } from "vitest";
import { deploymentsOf } from "../__fixtures__/deployments.ts";
import { chatRequest, entry, usage } from "../__fixtures__/fakes.ts";
import { testRouter } from "../__fixtures__/test-router.ts";
import { estimateCost } from "../context/cost-estimate.ts";
import type { PostCallOutcome } from "../hooks/router-hooks.ts";
import { deploymentPrice } from "./price-of.ts";

const registry = defaultProviders();
const custom = { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 };

function estimate(
  params: Record<string, unknown>,
  request: Parameters<typeof chatRequest>[1] = {},
  model = "openai/house-model",
  info?: Record<string, unknown>,
) {
  const ds = deploymentsOf([entry("g", model, params, info)]);
  return estimateCost(chatRequest("g", request), 100, ds, deploymentPrice, registry);
}

describe("the reservation bound", () => {
  it("a custom-priced model with no known output limit reserves the default bound, not 0", () => {
    const e = estimate(custom);
    expect(e.maxOutputTokens).toBe(DEFAULT_ESTIMATE_OUTPUT_TOKENS);
    expect(e.maxCost).toBeCloseTo(100 * 1e-6 + DEFAULT_ESTIMATE_OUTPUT_TOKENS * 2e-6, 12);
  });

  it("takes the request's bound first, capped by the model's limit, times n", () => {
    expect(estimate(custom, { max_tokens: 50 }).maxOutputTokens).toBe(50);
    // Both sent: the larger, whichever field the upstream honours.
    expect(estimate(custom, { max_completion_tokens: 70, max_tokens: 50 }).maxOutputTokens).toBe(
      70,
    );
    expect(estimate(custom, { max_completion_tokens: 1, max_tokens: 900 }).maxOutputTokens).toBe(
      900,
    );
    expect(estimate(custom, { max_tokens: 50, n: 3 }).maxOutputTokens).toBe(150);
    expect(
      estimate(custom, { max_tokens: 5000 }, "openai/house", { max_output_tokens: 1000 })
        .maxOutputTokens,
    ).toBe(1000);
  });

  it("falls back to model_info's max_output_tokens / max_tokens, then the catalog's", () => {
    expect(estimate(custom, {}, "openai/h", { max_output_tokens: 300 }).maxOutputTokens).toBe(300);
    expect(estimate(custom, {}, "openai/h", { max_tokens: 200 }).maxOutputTokens).toBe(200);
    // gpt-4o: 16,384 output tokens in the catalog, and its catalog prices.
    const e = estimate({}, {}, "openai/gpt-4o");
    expect(e.maxOutputTokens).toBe(16_384);
    expect(e.maxCost).toBeCloseTo(100 * 2.5e-6 + 16_384 * 1e-5, 12);
  });

  it("reserves what the Anthropic adapter sends upstream when the client sets no max_tokens", () => {
    // claude-sonnet-4-5 defaults to 64,000 (claude-models.ts); the deployment may set its own.
    expect(estimate(custom, {}, "anthropic/claude-sonnet-4-5").maxOutputTokens).toBe(64_000);
    expect(
      estimate({ ...custom, max_tokens: 900 }, {}, "anthropic/house-claude").maxOutputTokens,
    ).toBe(900);
    // An unknown Claude name: the adapter's 4096, even though nothing else is known.
    expect(estimate(custom, {}, "anthropic/house-claude").maxOutputTokens).toBe(4096);
    // A thinking budget raises max_tokens upstream (budget + answer): that is what is billed.
    expect(
      estimate(
        custom,
        { max_tokens: 100, thinking: { type: "enabled", budget_tokens: 2000 } },
        "anthropic/claude-sonnet-4-5",
      ).maxOutputTokens,
    ).toBe(2100);
  });

  it("reserves what the Bedrock adapter sends upstream when a thinking budget forces it", () => {
    const model = "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0";
    const thinking = { type: "enabled", budget_tokens: 2000 };
    // No max_tokens: Converse gets budget + 4096 for the answer.
    expect(estimate(custom, { thinking }, model).maxOutputTokens).toBe(6096);
    expect(estimate(custom, { thinking, max_tokens: 500 }, model).maxOutputTokens).toBe(2500);
    // Without thinking, Bedrock sends none: the catalog's limit for the model.
    expect(estimate(custom, {}, model).maxOutputTokens).toBeGreaterThan(4096);
  });

  it("reserves at the group's dearest deployment, and nothing for an unpriced group", () => {
    const ds = deploymentsOf([
      entry("g", "openai/a", custom),
      entry("g", "openai/b", { input_cost_per_token: 1e-5, output_cost_per_token: 1e-5 }),
    ]);
    const e = estimateCost(chatRequest("g", { max_tokens: 10 }), 100, ds, deploymentPrice);
    expect(e.maxCost).toBeCloseTo(100 * 1e-5 + 10 * 1e-5, 12);
    expect(estimate({}, { max_tokens: 10 }, "openai/unknown-model").maxCost).toBeUndefined();
  });
});

describe("the hold covers the groups a request may fall back to", () => {
  const cheap = entry("cheap", "openai/cheap-model", custom);
  const dear = entry("dear", "openai/dear-model", {
    input_cost_per_token: 1e-4,
    output_cost_per_token: 1e-4,
  });
  async function heldFor(settings: Record<string, unknown>, body: Record<string, unknown> = {}) {
    let held: number | undefined;
    const { router } = testRouter({
      modelList: [cheap, dear],
      settings,
      script: { "cheap-model": [{ ok: "hi" }] },
      hooks: { preCall: (ctx) => void (held = ctx.estimate.maxCost) },
    });
    await router.chatCompletion(chatRequest("cheap", { max_tokens: 10, ...body }));
    return held!;
  }
  const dearCost = (prompt: number) => prompt * 1e-4 + 10 * 1e-4;

  it("configured context_window_fallbacks: priced at the dear group", async () => {
    let prompt = 0;
    const { router } = testRouter({
      modelList: [cheap, dear],
      settings: { context_window_fallbacks: [{ cheap: ["dear"] }] },
      script: { "cheap-model": [{ ok: "hi" }] },
      hooks: {
        preCall: (ctx) => {
          prompt = ctx.estimate.promptTokens;
          expect(ctx.estimate.maxCost).toBeCloseTo(dearCost(prompt), 12);
        },
      },
    });
    await router.chatCompletion(chatRequest("cheap", { max_tokens: 10 }));
    expect(prompt).toBeGreaterThan(0);
  });

  it("fallbacks sent in the body count too; disable_fallbacks drops them", async () => {
    const withBody = await heldFor({}, { fallbacks: ["dear"] });
    const without = await heldFor({}, {});
    const disabled = await heldFor(
      { fallbacks: [{ cheap: ["dear"] }] },
      { disable_fallbacks: true },
    );
    expect(withBody).toBeGreaterThan(without * 50);
    expect(disabled).toBeCloseTo(without, 12);
  });
});

describe("per-second prices (LiteLLM's cost_per_second, input_cost_per_second)", () => {
  it("reserves the rate times the deployment's timeout", () => {
    const e = estimate({ input_cost_per_second: 0.0004, timeout: 30 }, { max_tokens: 10 });
    expect(e.maxCost).toBeCloseTo(0.0004 * 30, 12);
  });

  it("charges the rate times the request's duration, not its tokens", async () => {
    const now = { t: 1_000_000 };
    const outcomes: PostCallOutcome[] = [];
    const { router } = testRouter({
      modelList: [entry("g", "openai/sagemaker-like", { cost_per_second: 0.001 })],
      script: { "sagemaker-like": [{ ok: "hi", usage: usage(1000, 1000) }] },
      clock: { now: () => now.t },
      hooks: {
        // The request takes 2.5 s by this clock.
        preCall: () => void (now.t += 2500),
        postCall: (_ctx, outcome) => void outcomes.push(outcome),
      },
    });
    await router.chatCompletion(chatRequest("g"));
    expect(outcomes[0]?.cost).toBeCloseTo(0.0025, 12);
  });

  it("is ignored where per-token prices are configured, as in LiteLLM", () => {
    const e = estimate({ ...custom, input_cost_per_second: 1 }, { max_tokens: 10 });
    expect(e.maxCost).toBeCloseTo(100 * 1e-6 + 10 * 2e-6, 12);
  });
});

describe("the charge", () => {
  async function chargeFor(params: Record<string, unknown>, model: string, u: Usage) {
    const outcomes: PostCallOutcome[] = [];
    const { router } = testRouter({
      modelList: [entry("g", model, params)],
      script: { [model.split("/")[1]!]: [{ ok: "hi", usage: u }] },
      hooks: { postCall: (_ctx, outcome) => void outcomes.push(outcome) },
    });
    await router.chatCompletion(chatRequest("g"));
    return outcomes[0]?.cost;
  }

  const cached: Usage = {
    prompt_tokens: 1000,
    completion_tokens: 10,
    total_tokens: 1010,
    prompt_tokens_details: { cached_tokens: 800 },
  };

  it("bills cached prompt tokens at the catalog's cache-read price", async () => {
    // gpt-4o: 200 x 2.5e-6 + 800 x 1.25e-6 + 10 x 1e-5
    expect(await chargeFor({}, "openai/gpt-4o", cached)).toBeCloseTo(0.0005 + 0.001 + 0.0001, 12);
  });

  it("bills them at a custom cache_read_input_token_cost, which wins over the catalog", async () => {
    const cost = await chargeFor(
      { ...custom, cache_read_input_token_cost: 1e-7 },
      "openai/gpt-4o",
      cached,
    );
    expect(cost).toBeCloseTo(200 * 1e-6 + 800 * 1e-7 + 10 * 2e-6, 12);
  });

  it("without a cache price, a custom-priced unknown model bills cached tokens as input", async () => {
    const cost = await chargeFor(custom, "openai/house-model", cached);
    expect(cost).toBeCloseTo(1000 * 1e-6 + 10 * 2e-6, 12);
  });

  it("bills Anthropic cache writes at the cache-write price", async () => {
    const cost = await chargeFor({}, "anthropic/claude-sonnet-4-5", {
      prompt_tokens: 1000,
      // The answer ("hi") is one token: a usage of 0 for it would be the router's own count.
      completion_tokens: 1,
      total_tokens: 1001,
      prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 1000 },
    });
    expect(cost).toBeCloseTo(1000 * 3.75e-6 + 1.5e-5, 12);
  });
});
