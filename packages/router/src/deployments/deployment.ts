import type { ProviderDeployment } from "@org/core";
import { splitProviderModel } from "@org/core";
import type { ModelListEntry } from "../config/model-list.ts";
import { secondsToMs, toNumber } from "../util/to-number.ts";

/**
 * One model_list entry, prepared once when the config loads: everything the request path needs
 * is a field read, never a lookup into the raw config.
 */
export interface Deployment {
  readonly id: string;
  /** The entry's model_name (for a wildcard entry, the pattern). */
  readonly modelGroup: string;
  /** litellm_params.model as configured ("openai/gpt-4o"). */
  readonly model: string;
  readonly provider: string;
  /** What the provider adapter receives. */
  readonly target: ProviderDeployment;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly weight: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly streamTimeoutMs: number | undefined;
  readonly numRetries: number | undefined;
  readonly cooldownMs: number | undefined;
  readonly maxInputTokens: number | undefined;
  readonly maxOutputTokens: number | undefined;
  /** True for `model_name` patterns containing `*`. */
  readonly isPattern: boolean;
  /** The config entry as given (holds secrets: never expose it). */
  readonly entry: ModelListEntry;
}

/** litellm_params the router consumes itself; everything else goes to the adapter in `params`. */
const ROUTER_KEYS = new Set([
  "model",
  "api_key",
  "api_base",
  "api_version",
  "custom_llm_provider",
  "extra_headers",
  "drop_params",
  "rpm",
  "tpm",
  "weight",
  "timeout",
  "stream_timeout",
  "num_retries",
  "max_retries",
  "cooldown_time",
]);

export function buildDeployment(
  entry: ModelListEntry,
  id: string,
  defaultDropParams: boolean | undefined,
): Deployment {
  const lp = entry.litellm_params;
  const info = entry.model_info ?? {};
  return createDeployment(entry, id, lp.model, defaultDropParams, {
    rpm: toNumber(entry.rpm) ?? toNumber(lp.rpm) ?? toNumber(info.rpm),
    tpm: toNumber(entry.tpm) ?? toNumber(lp.tpm) ?? toNumber(info.tpm),
    maxInputTokens: toNumber(info.max_input_tokens) ?? toNumber(lp.max_input_tokens),
    maxOutputTokens: toNumber(info.max_output_tokens),
  });
}

/**
 * The concrete deployment a wildcard entry serves for one requested model. Its id extends the
 * entry's id with the concrete model, so a 404 for one model does not cool down every model the
 * pattern covers (LiteLLM shares one id; see README).
 */
export function deriveDeployment(base: Deployment, concreteModel: string): Deployment {
  return createDeployment(
    base.entry,
    `${base.id}:${concreteModel}`,
    concreteModel,
    base.target.dropParams,
    {
      rpm: base.rpm,
      tpm: base.tpm,
      maxInputTokens: base.maxInputTokens,
      maxOutputTokens: base.maxOutputTokens,
    },
    false,
  );
}

function createDeployment(
  entry: ModelListEntry,
  id: string,
  model: string,
  defaultDropParams: boolean | undefined,
  limits: {
    rpm: number | undefined;
    tpm: number | undefined;
    maxInputTokens: number | undefined;
    maxOutputTokens: number | undefined;
  },
  isPattern = entry.model_name.includes("*"),
): Deployment {
  const lp = entry.litellm_params;
  const { provider, model: providerModel } = providerAndModel(model, lp.custom_llm_provider);
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(lp)) {
    if (!ROUTER_KEYS.has(key) && value !== undefined) params[key] = value;
  }
  const dropParams = typeof lp.drop_params === "boolean" ? lp.drop_params : defaultDropParams;
  const target: ProviderDeployment = {
    provider,
    model: providerModel,
    params,
    ...(typeof lp.api_key === "string" ? { apiKey: lp.api_key } : {}),
    ...(typeof lp.api_base === "string" ? { apiBase: lp.api_base } : {}),
    ...(typeof lp.api_version === "string" ? { apiVersion: lp.api_version } : {}),
    ...(isStringRecord(lp.extra_headers) ? { extraHeaders: lp.extra_headers } : {}),
    ...(dropParams === undefined ? {} : { dropParams }),
  };
  const numRetries = toNumber(lp.num_retries) ?? toNumber(lp.max_retries);
  return {
    id,
    modelGroup: entry.model_name,
    model,
    provider,
    target,
    rpm: limits.rpm,
    tpm: limits.tpm,
    weight: toNumber(lp.weight),
    timeoutMs: secondsToMs(lp.timeout),
    streamTimeoutMs: secondsToMs(lp.stream_timeout),
    numRetries: numRetries === undefined ? undefined : Math.max(0, Math.floor(numRetries)),
    cooldownMs: secondsToMs(lp.cooldown_time),
    maxInputTokens: limits.maxInputTokens,
    maxOutputTokens: limits.maxOutputTokens,
    isPattern,
    entry,
  };
}

function providerAndModel(
  model: string,
  customProvider: unknown,
): { provider: string; model: string } {
  if (typeof customProvider === "string" && customProvider !== "") {
    const prefix = `${customProvider}/`;
    return {
      provider: customProvider,
      model: model.startsWith(prefix) ? model.slice(prefix.length) : model,
    };
  }
  return splitProviderModel(model);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    value !== null &&
    typeof value === "object" &&
    Object.values(value).every((v) => typeof v === "string")
  );
}
