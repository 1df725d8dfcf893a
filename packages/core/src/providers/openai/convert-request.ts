import { extraBodyFields } from "../../openai/extra-body.ts";
/**
 * Request fields that steer the gateway (LiteLLM's `all_litellm_params` that clients put in a
 * request body) and that no OpenAI-compatible upstream should see: some reject unknown fields,
 * and several carry credentials or routing decisions. It is also the list the inbound formats
 * carry from their own bodies onto the chat request (formats/litellm-body-params.ts).
 */
export const GATEWAY_ONLY_PARAMS: ReadonlySet<string> = new Set([
  "mock_response",
  "mock_timeout",
  "mock_delay",
  "mock_tool_calls",
  "mock_chunk_delay_ms",
  "mock_testing_fallbacks",
  "mock_testing_context_fallbacks",
  "mock_testing_rate_limit_error",
  "fallbacks",
  "context_window_fallbacks",
  "content_policy_fallbacks",
  "disable_fallbacks",
  "context_window_fallback_dict",
  "num_retries",
  "max_retries",
  "retry_policy",
  "timeout",
  "request_timeout",
  "stream_timeout",
  "caching",
  "cache",
  "ttl",
  "tags",
  "litellm_metadata",
  "litellm_trace_id",
  "litellm_session_id",
  "litellm_call_id",
  "api_key",
  "api_base",
  "base_url",
  "api_version",
  "custom_llm_provider",
  "drop_params",
  "additional_drop_params",
  "allowed_openai_params",
  "extra_headers",
  "extra_body",
  "guardrails",
  "model_list",
  "input_cost_per_token",
  "output_cost_per_token",
  "cooldown_time",
  "no-log",
  "proxy_server_request",
]);

export interface OpenAIBodyOptions {
  /** The provider's model name, replacing whatever alias the client used. */
  model: string;
  /** Ask for the final usage chunk even when the client did not (to price the call). */
  injectStreamUsage: boolean;
}

/**
 * The upstream body for an OpenAI-compatible endpoint: the client's request with every field,
 * unknown ones included, kept as sent and in the same order, except:
 * - `model` is the deployment's model;
 * - gateway-only fields are removed, and `extra_body` is merged in (OpenAI SDK semantics);
 * - `metadata` is forwarded only with `store: true`. LiteLLM treats `metadata` as its own
 *   (tags, trace names) and OpenAI rejects it without `store`, so forwarding it blindly would
 *   turn every LiteLLM-style client request into a 400;
 * - for streams, `stream_options.include_usage` is set when `injectStreamUsage` asks for it.
 */
export function buildOpenAIBody(
  request: Readonly<Record<string, unknown>>,
  options: OpenAIBodyOptions,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  // for...in rather than Object.entries: no array of pairs per request (issue 22).
  for (const key in request) {
    if (!Object.hasOwn(request, key) || GATEWAY_ONLY_PARAMS.has(key)) continue;
    if (key === "metadata" && request.store !== true) continue;
    body[key] = key === "model" ? options.model : request[key];
  }
  body.model = options.model;

  // Never the model, prompt, bounds or stream the gateway routed and reserved for.
  Object.assign(body, extraBodyFields(request.extra_body));

  if (body.stream === true && options.injectStreamUsage && !clientAskedForUsage(request)) {
    const streamOptions = body.stream_options;
    body.stream_options = {
      ...(typeof streamOptions === "object" && streamOptions !== null ? streamOptions : {}),
      include_usage: true,
    };
  }
  return body;
}

export function clientAskedForUsage(request: Readonly<Record<string, unknown>>): boolean {
  const streamOptions = request.stream_options;
  return (
    typeof streamOptions === "object" &&
    streamOptions !== null &&
    (streamOptions as { include_usage?: unknown }).include_usage === true
  );
}
