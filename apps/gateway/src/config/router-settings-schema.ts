import { z } from "zod";
import { count, flag, nonNegative, port, positive, stringList, text } from "./schema-primitives.ts";

/** LiteLLM's `routing_strategy` values (litellm Router `RoutingStrategy`). */
export const ROUTING_STRATEGIES = [
  "simple-shuffle",
  "least-busy",
  "usage-based-routing",
  "usage-based-routing-v2",
  "latency-based-routing",
  "cost-based-routing",
] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

/**
 * LiteLLM's fallback form: a list of one-key maps, `[{"gpt-4o": ["claude-sonnet", "gemini-pro"]}]`.
 * A single target string is accepted as a one-item list.
 */
export const fallbacksSchema = z.array(
  z
    .record(z.string(), stringList())
    .refine(
      (entry) => Object.keys(entry).length > 0,
      'expected {"model-group": ["fallback", ...]}',
    ),
);
export type Fallbacks = Array<Record<string, string[]>>;

/** `{alias: "model_name"}` or `{alias: {model: "model_name", hidden: true}}` (hidden from /models). */
export const modelGroupAliasSchema = z.record(
  z.string(),
  z.union([z.string(), z.looseObject({ model: z.string(), hidden: flag().optional() })], {
    error: 'expected a model_name, or {model: "<model_name>", hidden: true}',
  }),
);

/** Per error class counts, e.g. `{RateLimitErrorRetries: 3}`; LiteLLM's RetryPolicy names. */
const perErrorCounts = z.record(z.string(), count());

/**
 * `router_settings`, keyed exactly as LiteLLM's `Router(...)` arguments. The shape is exported
 * so the normalised router settings keep exactly these names.
 */
export const routerSettingsShape = {
  routing_strategy: z.enum(ROUTING_STRATEGIES).optional(),
  routing_strategy_args: z
    .looseObject({
      ttl: nonNegative().optional(),
      lowest_latency_buffer: nonNegative().optional(),
      max_latency_list_size: count().optional(),
    })
    .optional(),
  num_retries: count().optional(),
  max_fallbacks: count().optional(),
  retry_after: nonNegative().optional(),
  timeout: positive().optional(),
  stream_timeout: positive().optional(),
  allowed_fails: count().optional(),
  cooldown_time: nonNegative().optional(),
  disable_cooldowns: flag().optional(),
  fallbacks: fallbacksSchema.optional(),
  context_window_fallbacks: fallbacksSchema.optional(),
  content_policy_fallbacks: fallbacksSchema.optional(),
  default_fallbacks: stringList().optional(),
  model_group_alias: modelGroupAliasSchema.optional(),
  enable_pre_call_checks: flag().optional(),
  retry_policy: perErrorCounts.optional(),
  allowed_fails_policy: perErrorCounts.optional(),
  model_group_retry_policy: z.record(z.string(), perErrorCounts).optional(),
  default_max_parallel_requests: count().optional(),
  redis_host: z.string().optional(),
  redis_port: port().optional(),
  redis_password: z.string().optional(),
  redis_url: z.string().optional(),
  redis_db: count().optional(),
  enable_tag_filtering: flag().optional(),
  tag_filtering_match_any: flag().optional(),
  cache_responses: flag().optional(),
  default_litellm_params: z.record(z.string(), z.unknown()).optional(),
  provider_budget_config: z.record(z.string(), z.unknown()).optional(),
  optional_pre_call_checks: stringList().optional(),
  default_priority: count().optional(),
  set_verbose: flag().optional(),
  debug_level: text().optional(),
};

export const routerSettingsSchema = z.looseObject(routerSettingsShape);
