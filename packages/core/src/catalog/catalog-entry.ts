/** What a model answers; decides which usage fields are billed. */
export type ModelMode = "chat" | "embedding";

/**
 * Prices that apply when a request's prompt is longer than `above_tokens` (Gemini 2.5 Pro above
 * 200K, Claude Sonnet 4.x with the 1M context, GPT-5.4 above 272K...). Providers then bill the
 * whole request, input and output, at these rates, so the tier replaces the base prices.
 */
export interface LongContextPrices {
  above_tokens: number;
  input_cost_per_token: number;
  output_cost_per_token: number;
  /** Falls back to the base entry's cache prices when a tier leaves them out. */
  cache_read_input_token_cost?: number;
  cache_creation_input_token_cost?: number;
}

/**
 * One model's limits, USD prices per token and capabilities.
 *
 * Field names are LiteLLM's (`model_prices_and_context_window.json`, `model_info`), so a
 * deployment's config overrides and `/model/info` map onto them one to one. An absent
 * `supports_*` flag means the source does not claim support.
 */
export interface CatalogEntry {
  mode: ModelMode;
  max_input_tokens?: number;
  max_output_tokens?: number;
  input_cost_per_token: number;
  /** 0 for embedding models. */
  output_cost_per_token: number;
  /** Prompt tokens read from the provider's prompt cache. Absent: billed at the input price. */
  cache_read_input_token_cost?: number;
  /** Prompt tokens written to the cache (Anthropic's 5-minute write). Absent: input price. */
  cache_creation_input_token_cost?: number;
  /** Only where reasoning tokens cost something else than other output tokens. */
  output_cost_per_reasoning_token?: number;
  long_context?: LongContextPrices;
  /**
   * USD per second of request duration (LiteLLM's `cost_per_second`, or its legacy
   * `input_cost_per_second` / `output_cost_per_second`: SageMaker-style hosting). Where set, it
   * is the whole price: tokens cost nothing.
   */
  cost_per_second?: number;
  supports_function_calling?: boolean;
  supports_vision?: boolean;
  supports_response_schema?: boolean;
  supports_reasoning?: boolean;
  supports_prompt_caching?: boolean;
}

/** One provider's models, keyed by the model id that provider's API takes. */
export type ModelTable = Readonly<Record<string, Readonly<CatalogEntry>>>;

/** Where a resolved model's prices came from. */
export type PriceSource = "catalog" | "config" | "none";

/**
 * A model as `lookupModel` resolves it: the catalog entry with the deployment's overrides applied.
 * `priceSource: "none"` means the config gave limits but no prices for a model the catalog does
 * not know: its prices read 0 and costs are reported as unknown.
 */
export interface ResolvedModel extends CatalogEntry {
  /** The catalog provider whose table answered ("openai" for an Azure deployment). */
  readonly provider: string;
  /** The catalog key that matched, or undefined when only the config describes the model. */
  readonly catalogKey: string | undefined;
  readonly priceSource: PriceSource;
}
