import { editDistance } from "./edit-distance.ts";
import { isPlainObject } from "./resolve-env-refs.ts";
import { formatPath } from "./yaml-path.ts";

/**
 * `supported`: implemented now. `planned`: accepted and validated, but a later issue implements
 * it, so it has no effect yet and startup says so. To ship a feature, flip its keys here.
 */
export type KeyStatus = "supported" | "planned";

const S: KeyStatus = "supported";
const P: KeyStatus = "planned";

/**
 * Every config key we know, by path pattern (`[]` stands for any list index, `*` for any key of
 * a section keyed by names), with its status.
 * Names are LiteLLM's (docs.litellm.ai/docs/proxy/config_settings). A key missing from this
 * table is reported as unknown, except inside the open sections listed in OPEN_SECTIONS.
 */
export const KEY_SUPPORT: Readonly<Record<string, KeyStatus>> = {
  model_list: S,
  litellm_settings: S,
  router_settings: S,
  general_settings: S,
  environment_variables: S,
  include: S,
  // Other top-level LiteLLM sections: each is a feature of its own.
  callback_settings: S,
  // `*`: any key (here a callback's name).
  "callback_settings.*": S,
  "callback_settings.*.message_logging": S,
  guardrails: P,
  credential_list: P,
  mcp_servers: P,
  search_tools: P,
  assistant_settings: P,
  files_settings: P,
  finetune_settings: P,
  vector_store_registry: P,

  "model_list[].model_name": S,
  "model_list[].litellm_params": S,
  "model_list[].model_info": S,

  "model_list[].litellm_params.model": S,
  "model_list[].litellm_params.api_key": S,
  "model_list[].litellm_params.api_base": S,
  "model_list[].litellm_params.api_version": S,
  "model_list[].litellm_params.organization": S,
  "model_list[].litellm_params.rpm": S,
  "model_list[].litellm_params.tpm": S,
  "model_list[].litellm_params.timeout": S,
  "model_list[].litellm_params.stream_timeout": S,
  "model_list[].litellm_params.max_retries": S,
  "model_list[].litellm_params.mock_response": S,
  "model_list[].litellm_params.input_cost_per_token": S,
  "model_list[].litellm_params.output_cost_per_token": S,
  "model_list[].litellm_params.weight": S,
  "model_list[].litellm_params.order": S,
  "model_list[].litellm_params.drop_params": S,
  "model_list[].litellm_params.extra_headers": S,
  "model_list[].litellm_params.custom_llm_provider": P,
  "model_list[].litellm_params.num_retries": P,
  "model_list[].litellm_params.input_cost_per_second": S,
  "model_list[].litellm_params.output_cost_per_second": S,
  // Priced by @org/core's catalog code, config winning over the catalog field by field.
  "model_list[].litellm_params.cost_per_second": S,
  "model_list[].litellm_params.cache_read_input_token_cost": S,
  "model_list[].litellm_params.cache_creation_input_token_cost": S,
  "model_list[].litellm_params.output_cost_per_reasoning_token": S,
  "model_list[].litellm_params.input_cost_per_token_above_200k_tokens": S,
  "model_list[].litellm_params.output_cost_per_token_above_200k_tokens": S,
  "model_list[].litellm_params.region_name": P, // region-based routing
  "model_list[].litellm_params.max_parallel_requests": P,
  "model_list[].litellm_params.cooldown_time": P,
  "model_list[].litellm_params.tags": P, // tag routing
  "model_list[].litellm_params.max_budget": P, // deployment budgets
  "model_list[].litellm_params.budget_duration": P,

  "model_list[].model_info.id": S,
  "model_list[].model_info.mode": S,
  "model_list[].model_info.base_model": S,
  "model_list[].model_info.max_tokens": S,
  "model_list[].model_info.max_input_tokens": S,
  "model_list[].model_info.max_output_tokens": S,
  "model_list[].model_info.input_cost_per_token": S,
  "model_list[].model_info.output_cost_per_token": S,
  "model_list[].model_info.cost_per_second": S,
  "model_list[].model_info.input_cost_per_second": S,
  "model_list[].model_info.output_cost_per_second": S,
  "model_list[].model_info.cache_read_input_token_cost": S,
  "model_list[].model_info.cache_creation_input_token_cost": S,
  "model_list[].model_info.output_cost_per_reasoning_token": S,
  "model_list[].model_info.input_cost_per_token_above_200k_tokens": S,
  "model_list[].model_info.output_cost_per_token_above_200k_tokens": S,

  // litellm_settings: the router-related ones feed the effective router settings.
  "litellm_settings.drop_params": S,
  "litellm_settings.num_retries": S,
  "litellm_settings.request_timeout": S,
  "litellm_settings.allowed_fails": S,
  "litellm_settings.fallbacks": S,
  "litellm_settings.context_window_fallbacks": S,
  "litellm_settings.content_policy_fallbacks": S,
  "litellm_settings.default_fallbacks": S,
  "litellm_settings.modify_params": P,
  "litellm_settings.force_ipv4": P,
  // caching
  "litellm_settings.cache": S,
  "litellm_settings.cache_params": S,
  "litellm_settings.semantic_cache": S, // the product brief's key; LiteLLM uses cache_params.type
  // logging and callbacks: the lists' values are checked one by one (SUPPORTED_VALUES)
  "litellm_settings.callbacks": S,
  "litellm_settings.success_callback": S,
  "litellm_settings.failure_callback": S,
  "litellm_settings.service_callbacks": P,
  // Content reaches the callbacks only when this is set to false on purpose (see build-gateway).
  "litellm_settings.turn_off_message_logging": S,
  "litellm_settings.require_auth_for_metrics_endpoint": S,
  "litellm_settings.redact_user_api_key_info": P,
  "litellm_settings.langfuse_default_tags": P,
  "litellm_settings.set_verbose": P,
  "litellm_settings.json_logs": S,
  // budgets and keys
  "litellm_settings.max_budget": P,
  "litellm_settings.budget_duration": P,
  "litellm_settings.max_end_user_budget": P,
  "litellm_settings.max_internal_user_budget": P,
  "litellm_settings.internal_user_budget_duration": P,
  "litellm_settings.default_team_settings": P,
  "litellm_settings.default_key_generate_params": P,
  "litellm_settings.upperbound_key_generate_params": P,
  "litellm_settings.key_generation_settings": P,
  "litellm_settings.default_internal_user_params": P,

  "router_settings.routing_strategy": S,
  "router_settings.num_retries": S,
  "router_settings.retry_after": S,
  "router_settings.timeout": S,
  "router_settings.stream_timeout": S,
  "router_settings.allowed_fails": S,
  "router_settings.cooldown_time": S,
  "router_settings.fallbacks": S,
  "router_settings.context_window_fallbacks": S,
  "router_settings.model_group_alias": S,
  "router_settings.redis_host": S,
  "router_settings.redis_port": S,
  "router_settings.redis_password": S,
  "router_settings.redis_url": S,
  "router_settings.redis_db": S,
  "router_settings.content_policy_fallbacks": S,
  "router_settings.default_fallbacks": S,
  "router_settings.max_fallbacks": S,
  "router_settings.routing_strategy_args": S,
  "router_settings.disable_cooldowns": S,
  "router_settings.enable_pre_call_checks": S,
  "router_settings.retry_policy": S,
  "router_settings.allowed_fails_policy": S,
  "router_settings.model_group_retry_policy": S,
  "router_settings.default_max_parallel_requests": P,
  "router_settings.enable_tag_filtering": P,
  "router_settings.tag_filtering_match_any": P,
  "router_settings.cache_responses": S,
  "router_settings.default_litellm_params": P,
  "router_settings.provider_budget_config": P,
  "router_settings.optional_pre_call_checks": P,
  "router_settings.default_priority": P,
  "router_settings.set_verbose": P,
  "router_settings.debug_level": P,

  "general_settings.master_key": S,
  "general_settings.database_url": S,
  "general_settings.max_request_size_mb": S,
  "general_settings.max_response_size_mb": S,
  "general_settings.store_model_in_db": P,
  "general_settings.database_connection_pool_limit": P,
  "general_settings.database_connection_timeout": P,
  "general_settings.allow_requests_on_db_unavailable": P,
  // alerting (alert_types LiteLLM has and we do not are warned about at startup)
  "general_settings.alerting": S,
  "general_settings.alerting_threshold": S,
  "general_settings.alert_types": S,
  "general_settings.alerting_args": S,
  "general_settings.alert_to_webhook_url": P,
  "general_settings.spend_report_frequency": P,
  // spend logs and budgets
  "general_settings.store_prompts_in_spend_logs": P,
  "general_settings.disable_spend_logs": P,
  "general_settings.disable_spend_updates": P,
  "general_settings.disable_reset_budget": P,
  "general_settings.proxy_budget_rescheduler_min_time": P,
  "general_settings.proxy_budget_rescheduler_max_time": P,
  "general_settings.proxy_batch_write_at": P,
  "general_settings.maximum_spend_logs_retention_period": P,
  "general_settings.maximum_spend_logs_retention_interval": P,
  "general_settings.default_team_disabled": P,
  // concurrency and health
  "general_settings.max_parallel_requests": P,
  "general_settings.global_max_parallel_requests": P,
  "general_settings.background_health_checks": P,
  "general_settings.health_check_interval": P,
  "general_settings.health_check_details": P,
  // auth and routes
  "general_settings.allowed_routes": P,
  "general_settings.admin_only_routes": P,
  "general_settings.public_routes": P,
  "general_settings.allowed_ips": P,
  "general_settings.enforce_user_param": S,
  "general_settings.enforced_params": P,
  "general_settings.enable_jwt_auth": P,
  "general_settings.litellm_jwtauth": P,
  "general_settings.custom_auth": P,
  "general_settings.custom_key_generate": P,
  "general_settings.litellm_key_header_name": P,
  "general_settings.user_api_key_cache_ttl": P,
  "general_settings.disable_master_key_return": P,
  "general_settings.disable_adding_master_key_hash_to_db": P,
  "general_settings.allow_client_side_credentials": P,
  "general_settings.use_x_forwarded_for": P,
  "general_settings.ui_access_mode": P,
  "general_settings.key_management_system": P,
  "general_settings.key_management_settings": P,
  "general_settings.service_account_settings": P,
  // request shaping and pass-through
  "general_settings.forward_client_headers_to_llm_api": P,
  "general_settings.forward_openai_org_id": P,
  "general_settings.completion_model": P,
  "general_settings.embedding_model": P,
  "general_settings.image_generation_model": P,
  "general_settings.moderation_model": P,
  "general_settings.infer_model_from_keys": P,
  "general_settings.pass_through_endpoints": P,
  "general_settings.use_client_credentials_pass_through_routes": P,
};

/**
 * List keys whose values are features of their own: a supported key still warns for each value
 * outside its set (a callback we do not implement, or a misspelt one), so `callbacks: ["otel",
 * "datadog"]` says datadog has no effect, and otel nothing.
 */
const CALLBACKS: ReadonlySet<string> = new Set(["otel", "langfuse", "generic_api", "prometheus"]);
export const SUPPORTED_VALUES: Readonly<Record<string, ReadonlySet<string>>> = {
  "litellm_settings.callbacks": CALLBACKS,
  "litellm_settings.success_callback": CALLBACKS,
  "litellm_settings.failure_callback": CALLBACKS,
  "general_settings.alerting": new Set(["slack", "webhook"]),
};

/**
 * Sections whose children are free-form: provider-specific `litellm_params` (aws_region_name,
 * vertex_project, temperature, ...) are passed to the provider as LiteLLM does, `model_info` is
 * free metadata, and `environment_variables` names any variable. No unknown-key warning there.
 */
const OPEN_SECTIONS: ReadonlySet<string> = new Set([
  "environment_variables",
  "model_list[].litellm_params",
  "model_list[].model_info",
]);

/** Patterns that have known children, so the walk descends into them. */
const HAS_CHILDREN: ReadonlySet<string> = new Set(
  Object.keys(KEY_SUPPORT).flatMap((pattern) => {
    const parents: string[] = [];
    for (let i = 0; i < pattern.length; i++) {
      if (pattern[i] === "." || pattern.startsWith("[]", i)) parents.push(pattern.slice(0, i));
    }
    return parents;
  }),
);

export function plannedKeyWarning(path: string): string {
  return `config key ${path} is accepted but not yet supported; it has no effect yet`;
}

export function plannedValueWarning(path: string, value: string): string {
  return `config value ${JSON.stringify(value)} in ${path} is accepted but not yet supported; it has no effect yet`;
}

export function unknownKeyWarning(path: string, hint?: string): string {
  return `unknown config key ${path} (ignored)${hint ? `; ${hint}` : ""}`;
}

/** A value that changes nothing ("cache: false", an empty list) needs no "no effect" warning. */
function isInert(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

/**
 * Walks the raw config and returns one warning per planned key that is set and per unknown key,
 * each naming the key by its YAML path. Value types are the schema's job, not this one's.
 */
export function checkKeySupport(raw: unknown): string[] {
  const warnings: string[] = [];

  const walk = (value: unknown, pattern: string, path: PropertyKey[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, `${pattern}[]`, [...path, index]));
      return;
    }
    if (!isPlainObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const named = pattern === "" ? key : `${pattern}.${key}`;
      // A section keyed by free names (callback_settings.<callback>) is listed as `<section>.*`.
      const childPattern =
        KEY_SUPPORT[named] === undefined && KEY_SUPPORT[`${pattern}.*`] !== undefined
          ? `${pattern}.*`
          : named;
      const childPath = [...path, key];
      const status = KEY_SUPPORT[childPattern];
      if (status === undefined) {
        if (!OPEN_SECTIONS.has(pattern)) {
          warnings.push(unknownKeyWarning(formatPath(childPath), suggestKey(pattern, key)));
        }
      } else if (status === "planned") {
        if (!isInert(child)) warnings.push(plannedKeyWarning(formatPath(childPath)));
      } else if (SUPPORTED_VALUES[childPattern] !== undefined) {
        const supported = SUPPORTED_VALUES[childPattern];
        if (!Array.isArray(child)) continue; // the schema reports a non-list
        for (const item of child) {
          if (typeof item === "string" && !supported.has(item)) {
            warnings.push(plannedValueWarning(formatPath(childPath), item));
          }
        }
      } else if (HAS_CHILDREN.has(childPattern)) {
        walk(child, childPattern, childPath);
      }
    }
  };

  walk(raw, "", []);
  return warnings;
}

/** "did you mean ..." for a misspelt key or one placed in the wrong section. */
function suggestKey(parentPattern: string, key: string): string | undefined {
  const elsewhere = Object.keys(KEY_SUPPORT).find((pattern) => pattern.endsWith(`.${key}`));
  if (elsewhere) return `it belongs under ${elsewhere.slice(0, -key.length - 1)}`;

  const prefix = parentPattern === "" ? "" : `${parentPattern}.`;
  let best: { name: string; distance: number } | undefined;
  for (const pattern of Object.keys(KEY_SUPPORT)) {
    if (!pattern.startsWith(prefix)) continue;
    const name = pattern.slice(prefix.length);
    if (name.includes(".") || name.includes("[")) continue;
    const distance = editDistance(key.toLowerCase(), name);
    if (
      distance <= Math.max(1, Math.floor(name.length / 4)) &&
      (!best || distance < best.distance)
    ) {
      best = { name, distance };
    }
  }
  return best ? `did you mean ${prefix}${best.name}?` : undefined;
}
