import type { ChatCompletionRequest, EmbeddingRequest } from "@org/core";
import type { Deployment } from "../deployments/deployment.ts";
import type { PriceOf } from "../pricing/price-of.ts";
import type { CostEstimate } from "./request-context.ts";

/**
 * The cost bound a budget can reserve before the call: the counted prompt and the most output
 * the request allows, priced at the group's most expensive deployment.
 */
export function estimateCost(
  request: ChatCompletionRequest | EmbeddingRequest,
  promptTokens: number,
  deployments: readonly Deployment[],
  priceOf: PriceOf,
): CostEstimate {
  let maxOutputTokens: number | undefined;
  if ("messages" in request) {
    const chat = request as ChatCompletionRequest;
    maxOutputTokens = chat.max_completion_tokens ?? chat.max_tokens ?? undefined;
    if (maxOutputTokens === undefined) {
      for (const d of deployments) {
        if (d.maxOutputTokens !== undefined) {
          maxOutputTokens = Math.max(maxOutputTokens ?? 0, d.maxOutputTokens);
        }
      }
    }
  } else {
    maxOutputTokens = 0;
  }
  let maxCost: number | undefined;
  if (maxOutputTokens !== undefined) {
    for (const d of deployments) {
      const price = priceOf(d);
      if (price === undefined) continue;
      const cost = price.input * promptTokens + price.output * maxOutputTokens;
      if (maxCost === undefined || cost > maxCost) maxCost = cost;
    }
  }
  return { promptTokens, maxOutputTokens, maxCost };
}
