import type { ProviderDeployment } from "../../provider/deployment.ts";

export const ANTHROPIC_VERSION = "2023-06-01";

/**
 * Request headers: `x-api-key`, `anthropic-version` (required; `api_version` overrides it), and
 * `anthropic-beta` from the deployment's `anthropic_beta` param (a string or a list; LiteLLM
 * users also set it through `extra_headers`, which are applied last and win).
 */
export function buildAnthropicHeaders(
  deployment: ProviderDeployment,
  stream: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
    "anthropic-version": deployment.apiVersion ?? ANTHROPIC_VERSION,
  };
  if (deployment.apiKey) headers["x-api-key"] = deployment.apiKey;
  const betas = betaList(deployment.params.anthropic_beta);
  if (betas.length > 0) headers["anthropic-beta"] = betas.join(",");
  for (const [name, value] of Object.entries(deployment.extraHeaders ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

function betaList(value: unknown): string[] {
  const items = typeof value === "string" ? value.split(",") : Array.isArray(value) ? value : [];
  const names = items
    .filter((item): item is string => typeof item === "string")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  return [...new Set(names)];
}
