import type { ProviderDeployment } from "../../provider/deployment.ts";

export const OLLAMA_DEFAULT_API_BASE = "http://localhost:11434";

export type OllamaEndpoint = "chat" | "embed";

/**
 * `{api_base}/api/chat` or `/api/embed`. LiteLLM configs may point `api_base` at the server
 * root, at an endpoint (`.../api/chat`, `.../api/generate`, which LiteLLM accepts as-is), or at
 * the OpenAI-compatible `/v1`; the native endpoints live at the root, so those suffixes are cut.
 * (LiteLLM reads `OLLAMA_API_BASE` when `api_base` is unset; that fallback is the app's job.)
 */
export function ollamaUrl(deployment: ProviderDeployment, endpoint: OllamaEndpoint): string {
  const base = (deployment.apiBase ?? OLLAMA_DEFAULT_API_BASE)
    .replace(/\/+$/, "")
    .replace(/\/(api(\/(chat|generate|embed|embeddings))?|v1)$/, "");
  return `${base}/api/${endpoint}`;
}
