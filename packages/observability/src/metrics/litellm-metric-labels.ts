/**
 * LiteLLM's Prometheus label sets, per metric, as its proxy defines them
 * (litellm/types/integrations/prometheus.py, `PrometheusMetricLabels`), so Grafana dashboards
 * built for LiteLLM group and filter on the same label names here.
 *
 * Left out on purpose: `user_email`, `client_ip` and `user_agent` (personal data and unbounded
 * values; LiteLLM's own docs tell operators to drop them for cardinality), and the custom
 * metadata/tag labels (not configurable yet). A dashboard that groups by a missing label still
 * works: the series simply have no value for it.
 */

const ORG = ["org_id", "org_alias"] as const;

export const REQUESTS_LABELS = [
  "end_user",
  "hashed_api_key",
  "api_key_alias",
  "model",
  "team",
  "team_alias",
  "user",
  "model_id",
  "api_provider",
  ...ORG,
] as const;

/** litellm_spend_metric has the labels of litellm_requests_metric. */
export const SPEND_LABELS = REQUESTS_LABELS;

/** litellm_{total,input,output}_tokens_metric. */
export const TOKENS_LABELS = [
  "end_user",
  "hashed_api_key",
  "api_key_alias",
  "model",
  "team",
  "team_alias",
  "user",
  "requested_model",
  "model_id",
  ...ORG,
] as const;

/** The older names (litellm_total_tokens, litellm_input_tokens, litellm_output_tokens). */
export const LEGACY_TOKENS_LABELS = [
  "end_user",
  "hashed_api_key",
  "api_key_alias",
  "requested_model",
  "team",
  "team_alias",
  "user",
  "model",
] as const;

export const PROXY_TOTAL_LABELS = [
  "end_user",
  "hashed_api_key",
  "api_key_alias",
  "requested_model",
  "team",
  "team_alias",
  "user",
  "status_code",
  "route",
  "model_id",
  ...ORG,
] as const;

export const PROXY_FAILED_LABELS = [
  "end_user",
  "hashed_api_key",
  "api_key_alias",
  "requested_model",
  "team",
  "team_alias",
  "user",
  "exception_status",
  "exception_class",
  "route",
  "model_id",
  ...ORG,
] as const;

export const REQUEST_LATENCY_LABELS = [
  "end_user",
  "hashed_api_key",
  "api_key_alias",
  "requested_model",
  "team",
  "team_alias",
  "user",
  "model",
  "model_id",
  ...ORG,
] as const;

/** litellm_llm_api_latency_metric and litellm_llm_api_time_to_first_token_metric. */
export const LLM_API_LATENCY_LABELS = [
  "model",
  "hashed_api_key",
  "api_key_alias",
  "team",
  "team_alias",
  "requested_model",
  "end_user",
  "user",
  "model_id",
  ...ORG,
] as const;

export const LLM_API_FAILED_LABELS = [
  "end_user",
  "hashed_api_key",
  "api_key_alias",
  "model",
  "team",
  "team_alias",
  "user",
  "model_id",
] as const;

/** litellm_cache_hits_metric and litellm_cached_tokens_metric. */
export const CACHE_LABELS = [
  "model",
  "hashed_api_key",
  "api_key_alias",
  "team",
  "team_alias",
  "end_user",
  "user",
  "model_id",
] as const;

export const DEPLOYMENT_LABELS = [
  "litellm_model_name",
  "model_id",
  "api_base",
  "api_provider",
] as const;

export const DEPLOYMENT_COOLED_DOWN_LABELS = [...DEPLOYMENT_LABELS, "exception_status"] as const;

/** litellm_remaining_requests_metric and litellm_remaining_tokens_metric (the upstream's headers). */
export const REMAINING_LIMIT_LABELS = [
  "model_group",
  "api_provider",
  "api_base",
  "litellm_model_name",
  "hashed_api_key",
  "api_key_alias",
  "model_id",
] as const;

export const TEAM_BUDGET_LABELS = ["team", "team_alias"] as const;
export const KEY_BUDGET_LABELS = ["hashed_api_key", "api_key_alias"] as const;

/** LiteLLM's LATENCY_BUCKETS in seconds (prom-client adds +Inf). */
export const LITELLM_LATENCY_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 420, 600,
];

export type LabelName =
  | (typeof PROXY_FAILED_LABELS)[number]
  | (typeof PROXY_TOTAL_LABELS)[number]
  | (typeof REQUESTS_LABELS)[number]
  | (typeof TOKENS_LABELS)[number]
  | (typeof DEPLOYMENT_COOLED_DOWN_LABELS)[number]
  | (typeof REMAINING_LIMIT_LABELS)[number];

export type Labels = Partial<Record<LabelName, string>>;
