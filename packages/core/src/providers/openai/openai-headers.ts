import type { ProviderDeployment } from "../../provider/deployment.ts";

export type AuthHeaders = (apiKey: string) => Record<string, string>;

export const bearerAuth: AuthHeaders = (apiKey) => ({ authorization: `Bearer ${apiKey}` });

/**
 * Headers for an OpenAI-compatible call. No key, no auth header: local servers (vLLM without
 * `--api-key`, LM Studio, Ollama) need none. `organization` is LiteLLM's litellm_params name
 * for OpenAI's `OpenAI-Organization`. The deployment's `extra_headers` come last and win.
 */
export function buildOpenAIHeaders(
  deployment: ProviderDeployment,
  authHeaders: AuthHeaders,
  accept: string,
): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", accept };
  if (deployment.apiKey) Object.assign(headers, authHeaders(deployment.apiKey));
  const organization = deployment.params.organization;
  if (typeof organization === "string" && organization !== "") {
    headers["openai-organization"] = organization;
  }
  for (const [name, value] of Object.entries(deployment.extraHeaders ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  return headers;
}
