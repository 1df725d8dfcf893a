/**
 * Response headers saying which deployment answered (`x-litellm-model-id`,
 * `x-litellm-model-group`, retries and fallbacks taken), as the router computed them with
 * LiteLLM's names. A fresh object, so a route can add its own headers.
 */
export function modelHeaders(result: {
  headers: Readonly<Record<string, string>>;
}): Record<string, string> {
  return { ...result.headers };
}
