/**
 * `router_settings` (merged with the router-related `litellm_settings` by the app), with
 * LiteLLM's key names and units: times are in seconds, as in config.yaml.
 */
export type RoutingStrategyName =
  | "simple-shuffle"
  | "least-busy"
  | "usage-based-routing"
  | "usage-based-routing-v2"
  | "latency-based-routing"
  | "cost-based-routing";

/** `[{"gpt-4o": ["gpt-4o-mini"]}, {"*": ["fallback-group"]}]`; a plain object map is accepted too. */
export type FallbackConfig = Array<Record<string, string[]>> | Record<string, string[]>;

/** Retries per error class; LiteLLM's `RetryPolicy`. */
export interface RetryPolicy {
  BadRequestErrorRetries?: number;
  AuthenticationErrorRetries?: number;
  TimeoutErrorRetries?: number;
  RateLimitErrorRetries?: number;
  ContentPolicyViolationErrorRetries?: number;
  InternalServerErrorRetries?: number;
  NotFoundErrorRetries?: number;
}

/** Failures per minute allowed before a cooldown, per error class; LiteLLM's `AllowedFailsPolicy`. */
export interface AllowedFailsPolicy {
  BadRequestErrorAllowedFails?: number;
  AuthenticationErrorAllowedFails?: number;
  TimeoutErrorAllowedFails?: number;
  RateLimitErrorAllowedFails?: number;
  ContentPolicyViolationErrorAllowedFails?: number;
  InternalServerErrorAllowedFails?: number;
  ServiceUnavailableErrorAllowedFails?: number;
  BadGatewayErrorAllowedFails?: number;
  NotFoundErrorAllowedFails?: number;
}

export interface RoutingStrategyArgs {
  /** Seconds latency samples are kept (default 3600). */
  ttl?: number;
  lowest_latency_buffer?: number;
  max_latency_list_size?: number;
}

export interface RouterSettings {
  routing_strategy?: RoutingStrategyName;
  routing_strategy_args?: RoutingStrategyArgs;
  num_retries?: number;
  /** Minimum seconds to wait before a retry. */
  retry_after?: number;
  timeout?: number;
  stream_timeout?: number;
  allowed_fails?: number;
  cooldown_time?: number;
  disable_cooldowns?: boolean;
  fallbacks?: FallbackConfig;
  context_window_fallbacks?: FallbackConfig;
  content_policy_fallbacks?: FallbackConfig;
  /** Fallback groups for every group without its own entry (same as a `"*"` entry). */
  default_fallbacks?: string[];
  max_fallbacks?: number;
  model_group_alias?: Record<string, string | { model: string; hidden?: boolean }>;
  enable_pre_call_checks?: boolean;
  retry_policy?: RetryPolicy;
  model_group_retry_policy?: Record<string, RetryPolicy>;
  allowed_fails_policy?: AllowedFailsPolicy;
  /** Shorthand for `routing_strategy_args.lowest_latency_buffer`. */
  lowest_latency_buffer?: number;
  drop_params?: boolean;
  redis_url?: string;
  redis_host?: string;
  redis_port?: number | string;
  redis_password?: string;
  /** Unknown keys are accepted and ignored, as LiteLLM does. */
  [key: string]: unknown;
}
