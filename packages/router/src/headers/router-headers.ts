import type { DeploymentRef } from "../context/request-context.ts";

/**
 * LiteLLM's response headers naming what answered, for the gateway to send as they are:
 * `x-litellm-model-id`, `x-litellm-model-group`, `x-litellm-model-api-base` (credentials
 * stripped), `x-litellm-attempted-retries`, `x-litellm-attempted-fallbacks`.
 */
export function routerHeaders(
  deployment: DeploymentRef | undefined,
  attemptedRetries: number,
  attemptedFallbacks: number,
): Record<string, string> {
  const headers: Record<string, string> = {
    "x-litellm-attempted-retries": String(attemptedRetries),
    "x-litellm-attempted-fallbacks": String(attemptedFallbacks),
  };
  if (deployment !== undefined) {
    headers["x-litellm-model-id"] = deployment.id;
    headers["x-litellm-model-group"] = deployment.modelGroup;
    if (deployment.apiBase !== undefined) headers["x-litellm-model-api-base"] = deployment.apiBase;
  }
  return headers;
}
