import type { CatalogEntry, ModelMode, ResolvedModel } from "./catalog-entry.ts";
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

function withoutPrices(
  entry: Readonly<CatalogEntry>,
): Omit<CatalogEntry, PriceField | "long_context"> {
  const copy: Partial<CatalogEntry> = { ...entry };
  for (const field of [...PRICE_FIELDS, "long_context"] as const) delete copy[field];
  return copy as Omit<CatalogEntry, PriceField | "long_context">;
}

/** A config that prices only one side leaves the other at 0, as LiteLLM does. */
function configPrices(prices: Partial<Record<PriceField, number>>): Pick<CatalogEntry, PriceField> {
  return {
    ...prices,
    input_cost_per_token: prices.input_cost_per_token ?? 0,
    output_cost_per_token: prices.output_cost_per_token ?? 0,
  };
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
 * Prices move as a set: once the config names any price, every price comes from the config and
 * none from the catalog, as in LiteLLM's custom-pricing path. A negotiated input price must not
 * be mixed with the list price's cache or long-context rates. Unset cache prices then fall back
 * to the input price when costs are computed. Limits, flags and mode override field by field.
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
  const configPriced = Object.keys(prices).length > 0;
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
  const resolved: CatalogEntry = configPriced
    ? { ...withoutPrices(base), ...configPrices(prices) }
    : { ...base };
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
