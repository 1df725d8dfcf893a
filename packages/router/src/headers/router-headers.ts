import { headerValue } from "@org/core";
import type { DeploymentRef } from "../context/request-context.ts";

/**
 * LiteLLM's response headers naming what answered, for the gateway to send as they are:
 * `x-litellm-model-id`, `x-litellm-model-group`, `x-litellm-model-api-base` (credentials
 * stripped), `x-litellm-attempted-retries`, `x-litellm-attempted-fallbacks`. Names and URLs come
 * from configuration and /model/new: `headerValue` percent-encodes anything a header cannot carry
 * (CR, LF, non-Latin-1), which would otherwise fail the whole response.
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
    headers["x-litellm-model-id"] = headerValue(deployment.id);
    headers["x-litellm-model-group"] = headerValue(deployment.modelGroup);
    if (deployment.apiBase !== undefined)
      headers["x-litellm-model-api-base"] = headerValue(deployment.apiBase);
  }
  return headers;
}
