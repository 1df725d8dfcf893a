import { z } from "zod";
import { fallbacksSchema } from "./router-settings-schema.ts";
import {
  count,
  flag,
  fraction,
  nonNegative,
  port,
  positive,
  stringList,
  text,
} from "./schema-primitives.ts";

/**
 * `cache_params`: LiteLLM's cache settings (type local | redis | redis-semantic |
 * qdrant-semantic | s3 | gcs | disk, plus per-backend keys). Loose: backends add their own keys.
 */
const cacheParamsSchema = z.looseObject({
  type: z.string().optional(),
  host: z.string().optional(),
  port: port().optional(),
  password: z.string().optional(),
  namespace: z.string().optional(),
  ttl: nonNegative().optional(),
  mode: z.string().optional(),
  similarity_threshold: fraction().optional(),
  supported_call_types: stringList().optional(),
});

/** The product brief's `semantic_cache` block (not a LiteLLM key; see key-support.ts). */
const semanticCacheSchema = z.looseObject({
  enabled: flag().optional(),
  embedding_model: z.string().optional(),
  similarity_threshold: fraction().optional(),
});

/**
 * `litellm_settings`: module-level LiteLLM settings. LiteLLM copies any key onto the `litellm`
 * module, so the section is loose; unknown keys are reported by key-support.ts, not rejected.
 */
export const litellmSettingsSchema = z.looseObject({
  drop_params: flag().optional(),
  modify_params: flag().optional(),
  num_retries: count().optional(),
  request_timeout: positive().optional(),
  allowed_fails: count().optional(),
  fallbacks: fallbacksSchema.optional(),
  context_window_fallbacks: fallbacksSchema.optional(),
  content_policy_fallbacks: fallbacksSchema.optional(),
  default_fallbacks: stringList().optional(),

  cache: flag().optional(),
  cache_params: cacheParamsSchema.optional(),
  semantic_cache: semanticCacheSchema.optional(),

  callbacks: stringList().optional(),
  success_callback: stringList().optional(),
  failure_callback: stringList().optional(),
  service_callbacks: stringList().optional(),
  turn_off_message_logging: flag().optional(),
  require_auth_for_metrics_endpoint: flag().optional(),
  redact_user_api_key_info: flag().optional(),
  langfuse_default_tags: stringList().optional(),
  set_verbose: flag().optional(),
  json_logs: flag().optional(),
  force_ipv4: flag().optional(),

  max_budget: nonNegative().optional(),
  budget_duration: text().optional(),
  max_end_user_budget: nonNegative().optional(),
  max_internal_user_budget: nonNegative().optional(),
  internal_user_budget_duration: text().optional(),
  default_team_settings: z.array(z.record(z.string(), z.unknown())).optional(),
  default_key_generate_params: z.record(z.string(), z.unknown()).optional(),
  upperbound_key_generate_params: z.record(z.string(), z.unknown()).optional(),
  key_generation_settings: z.record(z.string(), z.unknown()).optional(),
  default_internal_user_params: z.record(z.string(), z.unknown()).optional(),
});
