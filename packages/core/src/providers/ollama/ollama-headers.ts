import type { ProviderDeployment } from "../../provider/deployment.ts";

/**
 * A local Ollama needs no auth (and ignores a Bearer header); ollama.com and authenticating
 * proxies take `Authorization: Bearer <key>`, which LiteLLM sends when a key is set. The
 * deployment's `extra_headers` come last and win.
 */
export function buildOllamaHeaders(deployment: ProviderDeployment): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (deployment.apiKey) headers.authorization = `Bearer ${deployment.apiKey}`;
  for (const [name, value] of Object.entries(deployment.extraHeaders ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  return headers;
}
