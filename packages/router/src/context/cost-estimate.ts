import { DEFAULT_ESTIMATE_OUTPUT_TOKENS } from "@org/core";
import type { ChatCompletionRequest, EmbeddingRequest, ProviderRegistry } from "@org/core";
import type { Deployment } from "../deployments/deployment.ts";
import { boundCost, type PriceOf } from "../pricing/price-of.ts";
import type { CostEstimate } from "./request-context.ts";

/**
 * The output tokens a chat request can be billed for on one deployment, the best bound known:
 * 1. what the adapter sends upstream as `max_tokens` (Anthropic requires one: the client's, else
 *    the deployment's `max_tokens` param, else the model's default; a thinking budget raises it);
 * 2. else the request's `max_completion_tokens` / `max_tokens` (the larger when both are sent);
 * 3. else the model's output limit (`model_info.max_output_tokens` / `max_tokens`, the catalog);
 * 4. else DEFAULT_ESTIMATE_OUTPUT_TOKENS (4096, LiteLLM's Anthropic default). Nothing enforces
 *    it upstream, so an answer may run past it: budgets README, "Budgets that hold".
 * 1 and 2 are capped by 3 (a provider does not bill past its model's limit); every choice of
 * `n` is billed.
 */
export function outputBound(
  request: ChatCompletionRequest,
  deployment: Deployment,
  limit: number | undefined,
  registry: ProviderRegistry | undefined,
): number {
  const requested = adapterBound(request, deployment, registry) ?? requestBound(request);
  const perChoice =
    requested === undefined
      ? (limit ?? DEFAULT_ESTIMATE_OUTPUT_TOKENS)
      : limit === undefined
        ? requested
        : Math.min(requested, limit);
  return perChoice * Math.max(1, positive(request.n) ?? 1);
}

/**
 * The request's own bound. When it sends both fields, the larger: which one an
 * OpenAI-compatible server honours varies, and a caller must not reserve for
 * `max_completion_tokens: 1` while the server reads `max_tokens: 100000`.
 */
function requestBound(request: ChatCompletionRequest): number | undefined {
  const completion = positive(request.max_completion_tokens);
  const legacy = positive(request.max_tokens);
  if (completion === undefined) return legacy;
  return legacy === undefined ? completion : Math.max(completion, legacy);
}

function adapterBound(
  request: ChatCompletionRequest,
  deployment: Deployment,
  registry: ProviderRegistry | undefined,
): number | undefined {
  const adapter = registry?.get(deployment.provider)?.chat;
  if (adapter?.maxOutputTokens === undefined) return undefined;
  try {
    return positive(
      adapter.maxOutputTokens({ request, deployment: deployment.target, callId: "estimate" }),
    );
  } catch {
    // A request the adapter will refuse anyway (its 400 comes from the call): no adapter bound.
    return undefined;
  }
}

/** LiteLLM's request_timeout (6000 s), the router's default. */
const DEFAULT_TIMEOUT_MS = 6_000_000;

function positive(value: number | null | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * The cost bound a budget reserves before the call: the counted prompt plus the output bound of
 * each deployment (`outputBound`), priced by the same port that prices the charge afterwards,
 * at the group's dearest deployment. `maxCost` is undefined when no deployment has a price.
 * A deployment priced per second is bounded by its timeout (`timeout`, else the router's).
 */
export function estimateCost(
  request: ChatCompletionRequest | EmbeddingRequest,
  promptTokens: number,
  deployments: readonly Deployment[],
  priceOf: PriceOf,
  registry?: ProviderRegistry,
  defaultTimeoutMs = DEFAULT_TIMEOUT_MS,
): CostEstimate {
  const chat = "messages" in request ? (request as ChatCompletionRequest) : undefined;
  let maxOutputTokens: number | undefined = chat === undefined ? 0 : undefined;
  let maxCost: number | undefined;
  for (const d of deployments) {
    const price = priceOf(d);
    const output =
      chat === undefined
        ? 0
        : outputBound(chat, d, price?.max_output_tokens ?? d.maxOutputTokens, registry);
    maxOutputTokens = Math.max(maxOutputTokens ?? 0, output);
    const seconds = (d.timeoutMs ?? defaultTimeoutMs) / 1000;
    const kind = chat === undefined ? "embedding" : "chat";
    const cost = boundCost(price, promptTokens, output, kind, seconds);
    if (cost !== undefined && (maxCost === undefined || cost > maxCost)) maxCost = cost;
  }
  return { promptTokens, maxOutputTokens, maxCost };
}
