import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { jsonObject, stringList } from "../columns/json.ts";
import { money } from "../columns/money.ts";
import { timestamptz } from "../columns/timestamps.ts";

/**
 * One row per proxied request (LiteLLM_SpendLogs): what it cost and who pays.
 *
 * No foreign keys on purpose: logs are history and must outlive the keys, teams and users
 * they mention, and the insert path stays free of reference checks.
 */
export const spendLogs = pgTable(
  "spend_logs",
  {
    requestId: text("request_id").primaryKey(),
    /** "completion", "acompletion", "embedding", "image_generation", ... as LiteLLM names them. */
    callType: text("call_type").notNull(),
    /** `virtual_keys.token_hash` of the calling key; "" for unauthenticated calls. */
    apiKeyHash: text("api_key_hash").notNull().default(""),
    spend: money("spend").notNull().default(0),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    totalTokens: integer("total_tokens").notNull().default(0),
    startTime: timestamptz("start_time").notNull(),
    endTime: timestamptz("end_time").notNull(),
    /** First streamed token, for time-to-first-token. */
    completionStartTime: timestamptz("completion_start_time"),
    requestDurationMs: integer("request_duration_ms"),
    /** The model the provider was called with. */
    model: text("model").notNull().default(""),
    /** The public model name the client asked for (the router's model group). */
    modelGroup: text("model_group"),
    /** The deployment that served the request (`proxy_models.id` or a config deployment id). */
    modelId: text("model_id"),
    /** LiteLLM's `custom_llm_provider`: "openai", "anthropic", "bedrock", ... */
    provider: text("provider"),
    apiBase: text("api_base"),
    /** `users.id` of the key's owner. Named user_id because `user` is reserved in SQL. */
    userId: text("user_id"),
    /** The request's `user` field (`end_users.id`). */
    endUserId: text("end_user_id"),
    teamId: text("team_id"),
    organizationId: text("organization_id"),
    requestTags: stringList("request_tags"),
    metadata: jsonObject("metadata"),
    cacheHit: boolean("cache_hit").notNull().default(false),
    cacheKey: text("cache_key"),
    /** "success" or "failure". */
    status: text("status").notNull().default("success"),
    /** HTTP status returned to the client. */
    statusCode: integer("status_code"),
    errorType: text("error_type"),
    errorMessage: text("error_message"),
    requesterIpAddress: text("requester_ip_address"),
    /** Request and response bodies, only when payload logging is switched on. */
    messages: jsonb("messages"),
    response: jsonb("response"),
  },
  // Spend reports filter by one owner over a time range, so each owner index is
  // (owner, start_time); the lone start_time index serves global ranges and retention.
  // The team, user and end-user indexes hold only rows that have one (issue 22): master-key and
  // keyless requests have none, every query of these columns is `column = value` (which implies
  // not null, so the planner uses the partial index, prepared statements included; see
  // spend-log-plans.test.ts), and a row left out of three indexes is cheaper to insert.
  (t) => [
    index("spend_logs_start_time_idx").on(t.startTime),
    index("spend_logs_api_key_hash_start_time_idx").on(t.apiKeyHash, t.startTime),
    index("spend_logs_team_id_start_time_idx")
      .on(t.teamId, t.startTime)
      .where(sql`${t.teamId} is not null`),
    index("spend_logs_user_id_start_time_idx")
      .on(t.userId, t.startTime)
      .where(sql`${t.userId} is not null`),
    index("spend_logs_end_user_id_start_time_idx")
      .on(t.endUserId, t.startTime)
      .where(sql`${t.endUserId} is not null`),
    // The dashboard's request log filters by model (the group the client asked for, else the
    // provider's name) and by failures, newest first: each its own (filter, start_time) index.
    index("spend_logs_model_start_time_idx").on(sql`coalesce("model_group", "model")`, t.startTime),
    index("spend_logs_status_start_time_idx").on(t.status, t.startTime),
  ],
);

export type SpendLog = typeof spendLogs.$inferSelect;
export type NewSpendLog = typeof spendLogs.$inferInsert;
