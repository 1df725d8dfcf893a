import type { CatalogEntry, LongContextPrices, ModelMode, ResolvedModel } from "./catalog-entry.ts";
import type { CatalogHit } from "./provider-catalogs.ts";

/**
 * A deployment's own description of its model, as a LiteLLM `model_list` entry gives it. Pass
 * the entry's `litellm_params` (or `ProviderDeployment.params`) and `model_info` as they are.
 */
export interface ModelOverrides {
  readonly litellm_params?: Readonly<Record<string, unknown>>;
  readonly model_info?: Readonly<Record<string, unknown>>;
}

const PRICE_FIELDS = [
  "input_cost_per_token",
  "output_cost_per_token",
  "cache_read_input_token_cost",
  "cache_creation_input_token_cost",
  "output_cost_per_reasoning_token",
] as const;

const FLAG_FIELDS = [
  "supports_function_calling",
  "supports_vision",
  "supports_response_schema",
  "supports_reasoning",
  "supports_prompt_caching",
] as const;

type PriceField = (typeof PRICE_FIELDS)[number];

/** YAML and the management API may hand numbers over as strings; negatives are config errors. */
function readNumber(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function readMode(value: unknown): ModelMode | undefined {
  if (value === "embedding") return "embedding";
  // LiteLLM's other text modes ("completion", "responses") are priced like chat.
  if (value === "chat" || value === "completion" || value === "responses") return "chat";
  return undefined;
}

/**
 * LiteLLM's long-context price names: `input_cost_per_token_above_200k_tokens`,
 * `output_cost_per_token_above_128k_tokens`, `cache_read_input_token_cost_above_200k_tokens`...
 */
const TIER_FIELD =
  /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_(\d+)k_tokens$/;

type TierField = Exclude<keyof LongContextPrices, "above_tokens">;

/**
 * The long-context tier the config names, merged field by field over the catalog's tier of the
 * same threshold. A config tier at another threshold replaces the catalog's (a model bills at one
 * threshold). Undefined when the config names no tier.
 */
function configTier(
  sources: readonly Readonly<Record<string, unknown>>[],
  base: LongContextPrices | undefined,
  resolved: Pick<CatalogEntry, "input_cost_per_token" | "output_cost_per_token">,
): LongContextPrices | undefined {
  const fields: Partial<Record<TierField, number>> = {};
  let above: number | undefined;
  // litellm_params first: the first source that names a field wins it.
  for (const source of sources) {
    for (const [key, value] of Object.entries(source)) {
      const match = TIER_FIELD.exec(key);
      const price = match ? readNumber(value) : undefined;
      if (match === null || price === undefined) continue;
      const threshold = Number(match[2]) * 1000;
      if (above === undefined) above = threshold;
      if (threshold !== above) continue;
      const field = match[1] as TierField;
      if (fields[field] === undefined) fields[field] = price;
    }
  }
  if (above === undefined) return undefined;
  const inherited = base !== undefined && base.above_tokens === above ? base : undefined;
  const tier: LongContextPrices = {
    ...inherited,
    above_tokens: above,
    input_cost_per_token:
      fields.input_cost_per_token ??
      inherited?.input_cost_per_token ??
      resolved.input_cost_per_token,
    output_cost_per_token:
      fields.output_cost_per_token ??
      inherited?.output_cost_per_token ??
      resolved.output_cost_per_token,
  };
  if (fields.cache_read_input_token_cost !== undefined)
    tier.cache_read_input_token_cost = fields.cache_read_input_token_cost;
  if (fields.cache_creation_input_token_cost !== undefined)
    tier.cache_creation_input_token_cost = fields.cache_creation_input_token_cost;
  return tier;
}

/** `model_info.base_model` (LiteLLM's place for it), else `litellm_params.base_model`. */
export function baseModelOf(overrides: ModelOverrides | undefined): string | undefined {
  for (const source of [overrides?.model_info, overrides?.litellm_params]) {
    const base = source?.["base_model"];
    if (typeof base === "string" && base.trim() !== "") return base.trim();
  }
  return undefined;
}

/**
 * Applies a deployment's overrides to the catalog entry, with LiteLLM's precedence:
 * `litellm_params` over `model_info` over the catalog. (LiteLLM's Router copies the pricing
 * fields of `litellm_params` over `model_info` when it registers a deployment, and a
 * deployment's `model_info` wins over its model cost map.)
 *
 * Everything overrides field by field: a config that sets only `input_cost_per_token` keeps the
 * catalog's output, cache-read, cache-write and reasoning prices, so a deployment that negotiated
 * its input price still bills cache hits at a cache price, never at the full input price. The
 * long-context tier comes from the catalog unless the config names one
 * (`input_cost_per_token_above_200k_tokens`, ...; see `configTier`). For a model the catalog does
 * not know, unset cache prices fall back to the input price when costs are computed, and an
 * unset input or output price is 0 (as LiteLLM does). Limits, flags and mode override the same way.
 *
 * Returns undefined when neither the catalog nor the config knows anything about the model.
 */
export function applyModelOverrides(
  hit: CatalogHit | undefined,
  provider: string,
  overrides: ModelOverrides | undefined,
): ResolvedModel | undefined {
  const sources = [overrides?.litellm_params, overrides?.model_info].filter(
    (s): s is Readonly<Record<string, unknown>> => s !== undefined,
  );
  const pick = (field: string): number | undefined => {
    for (const source of sources) {
      const value = readNumber(source[field]);
      if (value !== undefined) return value;
    }
    return undefined;
  };

  const prices: Partial<Record<PriceField, number>> = {};
  for (const field of PRICE_FIELDS) {
    const value = pick(field);
    if (value !== undefined) prices[field] = value;
  }
  const tierNamed = sources.some((source) => Object.keys(source).some((k) => TIER_FIELD.test(k)));
  // LiteLLM: `cost_per_second` wins over `input_cost_per_second`, then `output_cost_per_second`
  // (one rate, charged once), and none applies when per-token prices are configured.
  const perSecond =
    prices.input_cost_per_token === undefined && prices.output_cost_per_token === undefined
      ? (pick("cost_per_second") ?? pick("input_cost_per_second") ?? pick("output_cost_per_second"))
      : undefined;
  const configPriced = Object.keys(prices).length > 0 || tierNamed || perSecond !== undefined;
  // `max_tokens` in model_info is LiteLLM's legacy name for the output limit; in litellm_params
  // it is a request default, not a limit, so only model_info's counts.
  const maxInput = pick("max_input_tokens");
  const maxOutput = pick("max_output_tokens") ?? readNumber(overrides?.model_info?.["max_tokens"]);
  const mode =
    readMode(overrides?.model_info?.["mode"]) ?? readMode(overrides?.litellm_params?.["mode"]);

  if (hit === undefined && !configPriced && maxInput === undefined && maxOutput === undefined) {
    return undefined;
  }

  const base: Readonly<CatalogEntry> = hit?.entry ?? {
    mode: "chat",
    input_cost_per_token: 0,
    output_cost_per_token: 0,
  };
  const resolved: CatalogEntry = { ...base, ...prices };
  const tier = configTier(sources, base.long_context, resolved);
  if (tier !== undefined) resolved.long_context = tier;
  if (perSecond !== undefined) {
    // Time is the whole price: no token price of the catalog's may add to it.
    for (const field of PRICE_FIELDS) delete resolved[field];
    delete resolved.long_context;
    resolved.input_cost_per_token = 0;
    resolved.output_cost_per_token = 0;
    resolved.cost_per_second = perSecond;
  }
  if (mode !== undefined) resolved.mode = mode;
  if (maxInput !== undefined) resolved.max_input_tokens = maxInput;
  if (maxOutput !== undefined) resolved.max_output_tokens = maxOutput;
  for (const flag of FLAG_FIELDS) {
    for (const source of sources) {
      const value = source[flag];
      if (typeof value === "boolean") {
        resolved[flag] = value;
        break;
      }
    }
  }

  return {
    ...resolved,
    provider: hit?.provider ?? provider.toLowerCase(),
    catalogKey: hit?.key,
    priceSource: configPriced ? "config" : hit !== undefined ? "catalog" : "none",
  };
}
