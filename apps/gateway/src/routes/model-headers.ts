import { headerValues } from "@org/core";

/**
 * Response headers saying which deployment answered (`x-litellm-model-id`,
 * `x-litellm-model-group`, retries and fallbacks taken), as the router computed them with
 * LiteLLM's names. A fresh object, so a route can add its own headers. Every value goes through
 * `headerValues` (percent-encoding what a header cannot carry), so a model name from a config or
 * /model/new can never make Node refuse the response.
 */
export function modelHeaders(result: {
  headers: Readonly<Record<string, string>>;
}): Record<string, string> {
  return headerValues(result.headers);
}
