import type { CatalogEntry, ModelMode, ResolvedModel } from "./catalog-entry.ts";
import type { CostResult } from "./compute-cost.ts";
import { lookupModel } from "./lookup-model.ts";
import type { ModelOverrides } from "./model-overrides.ts";
import { perSecond, type CostBreakdown } from "./price-usage.ts";
import { roundUsd } from "./round-usd.ts";

/** Output bound when neither the request nor the catalog gives one (LiteLLM's Anthropic default). */
export const DEFAULT_ESTIMATE_OUTPUT_TOKENS = 4096;

export interface EstimateCostInput {
  provider: string;
  model: string;
  /** Prompt tokens as counted before the call (`countChatTokens`). */
  promptTokens: number;
  /** The request's bound on output tokens (`maxOutputTokensFor`); the model's limit when absent. */
  maxOutputTokens?: number;
  overrides?: ModelOverrides;
  kind?: ModelMode;
}

export interface CostEstimate extends CostResult {
  /** The output tokens the estimate reserved for. */
  outputTokens: number;
}

/** The output tokens a request may be billed for: its own bound, capped by the model's. */
function outputBound(model: ResolvedModel, requested: number | undefined): number {
  const limit = model.max_output_tokens;
  if (requested !== undefined && requested >= 0) {
    return limit !== undefined ? Math.min(requested, limit) : requested;
  }
  return limit ?? DEFAULT_ESTIMATE_OUTPUT_TOKENS;
}

/**
 * An upper bound on what `outputTokens` of output after `promptTokens` of prompt can cost on a
 * resolved model: the other half of `priceUsage`, for reserving budget before the call.
 * Deliberately pessimistic: no cache discount is assumed, the prompt is priced at the dearer of
 * the input and cache-write prices (a prompt may be written to Anthropic's cache at 1.25x), and
 * every output token at the dearer of the output and reasoning prices. The long-context tier
 * applies from the counted prompt. Embeddings bill the prompt only. A model priced per second
 * bounds at `maxSeconds` (the caller's timeout), 0 when unknown.
 */
export function priceBound(
  model: Readonly<CatalogEntry>,
  promptTokens: number,
  outputTokens: number,
  kind: ModelMode = model.mode,
  maxSeconds = 0,
): CostBreakdown {
  if (model.cost_per_second !== undefined) return perSecond(model.cost_per_second, maxSeconds);
  const prompt = Math.max(0, promptTokens);
  const tier =
    model.long_context !== undefined && prompt > model.long_context.above_tokens
      ? model.long_context
      : undefined;
  const inputPrice = tier?.input_cost_per_token ?? model.input_cost_per_token;
  const writePrice =
    tier?.cache_creation_input_token_cost ?? model.cache_creation_input_token_cost ?? 0;
  const outputPrice = Math.max(
    tier?.output_cost_per_token ?? model.output_cost_per_token,
    model.output_cost_per_reasoning_token ?? 0,
  );
  const output = kind === "embedding" ? 0 : Math.max(0, outputTokens);
  const inputCost = roundUsd(prompt * Math.max(inputPrice, writePrice));
  const outputCost = roundUsd(output * outputPrice);
  return { cost: roundUsd(inputCost + outputCost), inputCost, outputCost };
}

/**
 * An upper bound on what a request can cost (`priceBound` over the model `lookupModel`
 * resolves), for reserving budget before the call; the reservation is settled to `computeCost`
 * afterwards.
 */
export function estimateCost({
  provider,
  model,
  promptTokens,
  maxOutputTokens,
  overrides,
  kind,
}: EstimateCostInput): CostEstimate {
  const resolved = lookupModel(provider, model, overrides);
  if (resolved === undefined || resolved.priceSource === "none") {
    return {
      cost: 0,
      inputCost: 0,
      outputCost: 0,
      known: false,
      outputTokens: maxOutputTokens ?? DEFAULT_ESTIMATE_OUTPUT_TOKENS,
    };
  }
  const embedding = (kind ?? resolved.mode) === "embedding";
  const outputTokens = embedding ? 0 : outputBound(resolved, maxOutputTokens);
  return {
    ...priceBound(resolved, promptTokens, outputTokens, embedding ? "embedding" : "chat"),
    known: true,
    outputTokens,
  };
}
