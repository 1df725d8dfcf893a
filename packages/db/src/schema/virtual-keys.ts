import { bigint, boolean, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { generatedId } from "../columns/generated-id.ts";
import { jsonObject, stringList } from "../columns/json.ts";
import { money } from "../columns/money.ts";
import { createdAt, timestamptz, updatedAt } from "../columns/timestamps.ts";
import { budgets } from "./budgets.ts";
import { organizations } from "./organizations.ts";
import { teams } from "./teams.ts";
import { users } from "./users.ts";

/**
 * A virtual API key (LiteLLM_VerificationToken).
 *
 * The key itself is never stored: only `token_hash` (LiteLLM uses the SHA-256 hex digest of
 * the full key, which is what `spend_logs.api_key_hash` and `audit_logs` refer to) and
 * `key_name`, an abbreviation such as "sk-...a1b2" for display. A leaked database dump
 * therefore yields no usable keys. `id` is a stable handle that survives key rotation,
 * which replaces `token_hash`.
 */
export const virtualKeys = pgTable(
  "virtual_keys",
  {
    id: generatedId("id"),
    tokenHash: text("token_hash").notNull().unique("virtual_keys_token_hash_unique"),
    keyName: text("key_name"),
    keyAlias: text("key_alias"),
    // Cascade: LiteLLM deletes a user's or a team's keys with them.
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    teamId: text("team_id").references(() => teams.id, { onDelete: "cascade" }),
    organizationId: text("organization_id").references(() => organizations.id, {
      onDelete: "restrict",
    }),
    budgetId: text("budget_id").references(() => budgets.id, { onDelete: "restrict" }),
    models: stringList("models"),
    /** Model aliases for this key: requested name -> deployed model group. */
    aliases: jsonObject<Record<string, string>>("aliases"),
    config: jsonObject("config"),
    permissions: jsonObject("permissions"),
    maxBudget: money("max_budget"),
    spend: money("spend").notNull().default(0),
    modelSpend: jsonObject<Record<string, number>>("model_spend"),
    modelMaxBudget: jsonObject("model_max_budget"),
    /** Set once soft-budget alerts were sent, so they are not repeated until the next reset. */
    softBudgetCooldown: boolean("soft_budget_cooldown").notNull().default(false),
    maxParallelRequests: integer("max_parallel_requests"),
    tpmLimit: bigint("tpm_limit", { mode: "number" }),
    rpmLimit: bigint("rpm_limit", { mode: "number" }),
    budgetDuration: text("budget_duration"),
    budgetResetAt: timestamptz("budget_reset_at"),
    allowedCacheControls: stringList("allowed_cache_controls"),
    allowedRoutes: stringList("allowed_routes"),
    blocked: boolean("blocked").notNull().default(false),
    /** Null means the key never expires. */
    expiresAt: timestamptz("expires_at"),
    lastActiveAt: timestamptz("last_active_at"),
    metadata: jsonObject("metadata"),
    createdAt: createdAt(),
    createdBy: text("created_by"),
    updatedAt: updatedAt(),
    updatedBy: text("updated_by"),
  },
  // The same lookups LiteLLM indexes: keys of a user (optionally within a team), keys of a
  // team, and the budget-reset scan that skips expired keys.
  (t) => [
    index("virtual_keys_user_id_team_id_idx").on(t.userId, t.teamId),
    index("virtual_keys_team_id_idx").on(t.teamId),
    index("virtual_keys_organization_id_idx").on(t.organizationId),
    index("virtual_keys_key_alias_idx").on(t.keyAlias),
    index("virtual_keys_budget_reset_at_expires_at_idx").on(t.budgetResetAt, t.expiresAt),
  ],
);

export type VirtualKey = typeof virtualKeys.$inferSelect;
export type NewVirtualKey = typeof virtualKeys.$inferInsert;
