import type { ProviderDeployment } from "../../provider/deployment.ts";

export const COHERE_DEFAULT_API_BASE = "https://api.cohere.com";

export type CohereEndpoint = "chat" | "embed";

/**
 * The v2 URL of `endpoint` for a deployment. LiteLLM configs carry `api_base` in several forms:
 * the host (`https://api.cohere.com`), the version (`.../v2`), or the full chat URL
 * (`.../v2/chat`, LiteLLM's own default). All of them work here, and a full chat URL also serves
 * embeddings. A v1 URL is rewritten to v2, because this adapter only speaks the v2 wire format.
 * (LiteLLM reads `COHERE_API_BASE` when `api_base` is unset; that fallback is the app's job.)
 */
export function cohereUrl(deployment: ProviderDeployment, endpoint: CohereEndpoint): string {
  let base = (deployment.apiBase ?? COHERE_DEFAULT_API_BASE).replace(/\/+$/, "");
  base = base.replace(/\/v[12](\/(chat|embed))?$/, "");
  return `${base}/v2/${endpoint}`;
}

/**
 * The model name Cohere expects. LiteLLM accepts `cohere/v2/command-a-03-2025` (and
 * `cohere_chat/v1/...` to pick its v1 route); the route prefix is not part of the model name.
 */
export function cohereModelName(model: string): string {
  return model.replace(/^v[12]\//, "");
}
