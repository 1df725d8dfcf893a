import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ChatCompletionRequest } from "@org/core";
import {
  delay,
  json,
  openaiChunks,
  openaiCompletion,
  openaiUsage,
  routes,
  sse,
  startFakeServer,
  type FakeServer,
  type RecordedRequest,
} from "@org/testing";
import { countRequestTokens } from "../catalog/count-request-tokens.ts";

/** Prices of the deployment the budget tests call (USD per token). */
export const INPUT_COST_PER_TOKEN = 0.000001;
export const OUTPUT_COST_PER_TOKEN = 0.000002;

/** The request budget tests send; as plain data so both `openai` clients and the counter take it. */
export type PricedRequest = {
  model: "priced";
  max_tokens: number;
  messages: [{ role: "user"; content: string }];
};

/**
 * The one request budget tests send (non-streamed or streamed). `max_tokens` bounds the
 * output, so the reservation the gateway holds for it is exactly `estimatedCost(request)`.
 */
export function pricedRequest(content: string): PricedRequest {
  return { model: "priced", max_tokens: 16, messages: [{ role: "user", content }] };
}

/**
 * What the gateway reserves for `request` before the call: the prompt as the gateway counts it
 * (the same counter the router uses) plus `max_tokens` of output, at the deployment's prices.
 */
export function estimatedCost(request: PricedRequest): number {
  return (
    countRequestTokens(request) * INPUT_COST_PER_TOKEN + request.max_tokens * OUTPUT_COST_PER_TOKEN
  );
}

/**
 * A fake OpenAI upstream whose usage is exactly the gateway's estimate: the prompt tokens the
 * gateway counts and `max_tokens` of output. Each request then costs what was reserved for it,
 * so a budget admits a known number of requests. Answers after `latencyMs` (streams: that long
 * before the headers, then `chunkDelayMs` between events) so concurrent requests overlap.
 */
export function startPricedUpstream(
  options: { latencyMs?: number; chunkDelayMs?: number } = {},
): Promise<FakeServer> {
  const answer = (req: RecordedRequest) => {
    const body = req.json as ChatCompletionRequest;
    const promptTokens = countRequestTokens({ ...body, model: "priced" });
    const completionTokens = body.max_tokens ?? body.max_completion_tokens ?? 16;
    const usage = openaiUsage(promptTokens, completionTokens);
    const pieces = Array.from({ length: completionTokens }, (_, i) => `t${i} `);
    if (body.stream === true) {
      return sse(openaiChunks({ content: pieces, includeUsage: true, usage, model: body.model }), {
        contentType: "text/event-stream; charset=utf-8",
        delayMs: options.chunkDelayMs ?? 0,
      });
    }
    return json(openaiCompletion({ content: pieces.join(""), usage, model: body.model }));
  };
  const chat = delay(options.latencyMs ?? 0, answer);
  return startFakeServer(routes({ "POST /v1/chat/completions": chat }));
}

/** A `model_list` entry for the priced model served by `upstream`. */
export function pricedModel(upstream: FakeServer): Record<string, unknown> {
  return {
    model_name: "priced",
    litellm_params: {
      model: "openai/gpt-4o",
      api_key: "sk-upstream",
      api_base: `${upstream.url}/v1`,
      input_cost_per_token: INPUT_COST_PER_TOKEN,
      output_cost_per_token: OUTPUT_COST_PER_TOKEN,
    },
  };
}

/**
 * A `model_list` entry `gpt-4o` at 0.001 USD per token both ways, served by `upstream` (a fake
 * OpenAI): the budgets tests' model, where a few requests spend a budget of cents.
 */
export function gpt4oAtFixedPrice(upstream: FakeServer): Record<string, unknown> {
  return {
    model_name: "gpt-4o",
    litellm_params: {
      model: "openai/gpt-4o",
      api_key: "sk-up",
      api_base: `${upstream.url}/v1`,
      input_cost_per_token: 0.001,
      output_cost_per_token: 0.001,
    },
  };
}

/**
 * Writes a LiteLLM config file with the priced model served by `upstream` (for a gateway
 * started as its own process) and returns its path.
 */
export async function writePricedConfig(dir: string, upstream: FakeServer): Promise<string> {
  const config = join(dir, "config.yaml");
  const model = pricedModel(upstream) as { litellm_params: Record<string, unknown> };
  await writeFile(
    config,
    [
      "model_list:",
      "  - model_name: priced",
      "    litellm_params:",
      ...Object.entries(model.litellm_params).map(([k, v]) => `      ${k}: ${String(v)}`),
    ].join("\n"),
  );
  return config;
}
