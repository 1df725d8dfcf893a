/**
 * Request fields that do not change the answer, left out of the cache key: who asks (`user`,
 * `safety_identifier`), how it is delivered (`stream`, `stream_options`), bookkeeping
 * (`metadata`, `tags`, ids) and the gateway's own controls (cache, retries, timeouts, fallbacks).
 * Everything else is in the key, unknown fields included: a field we do not know might change the
 * answer, and a key that is too specific costs a miss while one that is too loose serves a wrong
 * answer.
 */
export const IGNORED_FIELDS: ReadonlySet<string> = new Set([
  "model", // replaced by the resolved model group
  "user",
  "safety_identifier",
  "prompt_cache_key",
  "metadata",
  "stream",
  "stream_options",
  "cache",
  "caching",
  "ttl",
  "tags",
  "litellm_metadata",
  "litellm_trace_id",
  "litellm_session_id",
  "litellm_call_id",
  "proxy_server_request",
  "extra_headers",
  "timeout",
  "request_timeout",
  "stream_timeout",
  "num_retries",
  "max_retries",
  "retry_policy",
  "fallbacks",
  "context_window_fallback_dict",
  "no-log",
  "api_key",
]);
