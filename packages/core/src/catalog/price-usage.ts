import type { CatalogEntry, ModelMode } from "./catalog-entry.ts";
import { roundUsd } from "./round-usd.ts";

/**
 * The usage fields that cost money, in our (OpenAI-shaped) usage. `prompt_tokens` INCLUDES
 * `cached_tokens` and `cache_creation_tokens`: OpenAI counts cache hits inside prompt_tokens, and
 * our Anthropic, Bedrock and Gemini adapters report cache reads and writes the same way, as
 * LiteLLM does. `completion_tokens` includes `reasoning_tokens`. Embedding usage fits too.
 */
export interface BillableUsage {
  prompt_tokens: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_creation_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

/** USD, each part rounded with `roundUsd`. */
export interface CostBreakdown {
  cost: number;
  inputCost: number;
  outputCost: number;
}

function count(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * What a usage costs on a model:
 * - uncached prompt tokens (prompt - cached - cache writes) at the input price;
 * - cached tokens at the cache-read price, cache writes at the cache-write price (each falls
 *   back to the input price when the model has none: never bill less than we know);
 * - completion tokens at the output price, reasoning tokens at their own price where one exists;
 * - a prompt above `long_context.above_tokens` bills everything at the long-context rates.
 * `kind: "embedding"` (or an embedding model) bills the prompt only.
 * A model priced per second (`cost_per_second`) bills `durationSeconds` of the request instead.
 */
export function priceUsage(
  model: Readonly<CatalogEntry>,
  usage: BillableUsage,
  kind: ModelMode = model.mode,
  durationSeconds = 0,
): CostBreakdown {
  if (model.cost_per_second !== undefined) return perSecond(model.cost_per_second, durationSeconds);
  const prompt = count(usage.prompt_tokens);
  const tier =
    model.long_context !== undefined && prompt > model.long_context.above_tokens
      ? model.long_context
      : undefined;
  const inputPrice = tier?.input_cost_per_token ?? model.input_cost_per_token;
  const outputPrice = tier?.output_cost_per_token ?? model.output_cost_per_token;
  const cacheReadPrice =
    tier?.cache_read_input_token_cost ?? model.cache_read_input_token_cost ?? inputPrice;
  const cacheWritePrice =
    tier?.cache_creation_input_token_cost ?? model.cache_creation_input_token_cost ?? inputPrice;

  if (kind === "embedding") {
    const inputCost = roundUsd(prompt * inputPrice);
    return { cost: inputCost, inputCost, outputCost: 0 };
  }

  // Clamp so a provider's inconsistent details can never make a part negative.
  const cached = Math.min(count(usage.prompt_tokens_details?.cached_tokens), prompt);
  const written = Math.min(
    count(usage.prompt_tokens_details?.cache_creation_tokens),
    prompt - cached,
  );
  const uncached = prompt - cached - written;
  const completion = count(usage.completion_tokens);
  const reasoning =
    model.output_cost_per_reasoning_token === undefined
      ? 0
      : Math.min(count(usage.completion_tokens_details?.reasoning_tokens), completion);

  const inputCost = roundUsd(
    uncached * inputPrice + cached * cacheReadPrice + written * cacheWritePrice,
  );
  const outputCost = roundUsd(
    (completion - reasoning) * outputPrice +
      reasoning * (model.output_cost_per_reasoning_token ?? outputPrice),
  );
  return { cost: roundUsd(inputCost + outputCost), inputCost, outputCost };
}

/** A per-second price over a duration; reported as input cost (LiteLLM puts it there too). */
export function perSecond(rate: number, seconds: number): CostBreakdown {
  const cost = roundUsd(rate * count(seconds));
  return { cost, inputCost: cost, outputCost: 0 };
}
