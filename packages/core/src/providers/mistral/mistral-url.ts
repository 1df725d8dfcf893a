/** Mistral's API base; LiteLLM reads MISTRAL_API_BASE / MISTRAL_API_KEY (the app resolves those). */
export const MISTRAL_API_BASE = "https://api.mistral.ai/v1";

/**
 * As LiteLLM does, an `api_base` without `/v1` gets it ("Mistral always needs a /v1 at the
 * end"): a config written for LiteLLM with `https://api.mistral.ai` or an Azure AI Mistral
 * endpoint reaches the same URL here.
 */
export function normalizeMistralApiBase(apiBase: string | undefined): string | undefined {
  if (apiBase === undefined || apiBase === "") return undefined;
  const trimmed = apiBase.replace(/\/+$/, "");
  return trimmed.endsWith("/v1") ? trimmed : `${trimmed}/v1`;
}
