import { z } from "zod";
import { count, flag, nonNegative, positive, stringList, text } from "./schema-primitives.ts";

/**
 * `general_settings`: proxy-server settings. Loose because LiteLLM has many enterprise-only keys;
 * key-support.ts names the ones we know and warns about the rest.
 */
export const generalSettingsSchema = z.looseObject({
  master_key: z.string().min(1, "must not be empty").optional(),
  database_url: z.string().optional(),
  database_connection_pool_limit: count().optional(),
  database_connection_timeout: nonNegative().optional(),
  allow_requests_on_db_unavailable: flag().optional(),
  max_request_size_mb: positive().optional(),
  max_response_size_mb: positive().optional(),
  store_model_in_db: flag().optional(),
  store_prompts_in_spend_logs: flag().optional(),
  disable_spend_logs: flag().optional(),

  alerting: stringList().optional(),
  alerting_threshold: nonNegative().optional(),
  alert_types: stringList().optional(),
  alerting_args: z.record(z.string(), z.unknown()).optional(),
  alert_to_webhook_url: z.record(z.string(), z.unknown()).optional(),
  spend_report_frequency: text().optional(),

  max_parallel_requests: count().optional(),
  global_max_parallel_requests: count().optional(),
  background_health_checks: flag().optional(),
  health_check_interval: nonNegative().optional(),
  health_check_details: flag().optional(),

  allowed_routes: stringList().optional(),
  admin_only_routes: stringList().optional(),
  public_routes: stringList().optional(),
  allowed_ips: stringList().optional(),
  enforce_user_param: flag().optional(),
  enable_jwt_auth: flag().optional(),
  custom_auth: z.string().optional(),
  litellm_key_header_name: z.string().optional(),
  user_api_key_cache_ttl: nonNegative().optional(),
  proxy_budget_rescheduler_min_time: nonNegative().optional(),
  proxy_budget_rescheduler_max_time: nonNegative().optional(),
  proxy_batch_write_at: nonNegative().optional(),
});
