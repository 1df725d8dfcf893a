import type { ProviderDeployment } from "../../provider/deployment.ts";

export const ANTHROPIC_DEFAULT_API_BASE = "https://api.anthropic.com";

/**
 * The Messages endpoint for a deployment. `api_base` may be a host (`https://api.anthropic.com`),
 * a host with `/v1`, or the full `.../v1/messages` URL (LiteLLM accepts all three); a trailing
 * slash is ignored. Credentials and base come only from the deployment: LiteLLM's fallback to
 * ANTHROPIC_API_KEY / ANTHROPIC_API_BASE env vars is resolved by the app, not here.
 */
export function anthropicMessagesUrl(deployment: ProviderDeployment): string {
  const base = (deployment.apiBase ?? ANTHROPIC_DEFAULT_API_BASE).replace(/\/+$/, "");
  if (base.endsWith("/v1/messages")) return base;
  if (base.endsWith("/v1")) return `${base}/messages`;
  return `${base}/v1/messages`;
}
