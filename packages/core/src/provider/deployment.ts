/**
 * What an adapter needs to know about the deployment it is talking to: the provider, the
 * provider's own model name, and the credentials/endpoint from LiteLLM's `litellm_params`.
 *
 * Built once when the config loads (not per request).
 */
export interface ProviderDeployment {
  /** Provider id, the part before the first `/` of litellm_params.model ("openai", "anthropic"). */
  provider: string;
  /** The provider's model name, without the provider prefix ("gpt-4o"). */
  model: string;
  apiKey?: string;
  apiBase?: string;
  apiVersion?: string;
  /** Every other litellm_params entry (aws_region_name, vertex_project, mock_response, ...). */
  params: Readonly<Record<string, unknown>>;
  /** Extra headers to send upstream (litellm_params.extra_headers). */
  extraHeaders?: Readonly<Record<string, string>>;
  /** Drop request params this provider does not support instead of failing (drop_params). */
  dropParams?: boolean;
}

/** Splits "openai/gpt-4o" into provider and model; a bare name means OpenAI, as in LiteLLM. */
export function splitProviderModel(model: string): { provider: string; model: string } {
  const slash = model.indexOf("/");
  if (slash <= 0) return { provider: "openai", model };
  return { provider: model.slice(0, slash), model: model.slice(slash + 1) };
}
