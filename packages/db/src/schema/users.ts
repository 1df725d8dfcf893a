import { bigint, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { generatedId } from "../columns/generated-id.ts";
import { jsonObject, stringList } from "../columns/json.ts";
import { money } from "../columns/money.ts";
import { createdAt, timestamptz, updatedAt } from "../columns/timestamps.ts";
import { organizations } from "./organizations.ts";

/** An internal user of the gateway: an admin or someone keys are issued to (LiteLLM_UserTable). */
export const users = pgTable(
  "users",
  {
    /** Callers may choose it (LiteLLM accepts emails or any string as `user_id`). */
    id: generatedId("id"),
    userAlias: text("user_alias"),
    userEmail: text("user_email"),
    /**
     * LiteLLM role: "proxy_admin", "proxy_admin_viewer", "org_admin", "internal_user",
     * "internal_user_viewer". Not null so an authorization check never meets a missing role.
     */
    userRole: text("user_role").notNull().default("internal_user"),
    ssoUserId: text("sso_user_id").unique("users_sso_user_id_unique"),
    /** A password hash for UI login; LiteLLM's `password`, never the password itself. */
    passwordHash: text("password_hash"),
    organizationId: text("organization_id").references(() => organizations.id, {
      onDelete: "restrict",
    }),
    models: stringList("models"),
    maxBudget: money("max_budget"),
    spend: money("spend").notNull().default(0),
    modelSpend: jsonObject<Record<string, number>>("model_spend"),
    modelMaxBudget: jsonObject("model_max_budget"),
    maxParallelRequests: integer("max_parallel_requests"),
    tpmLimit: bigint("tpm_limit", { mode: "number" }),
    rpmLimit: bigint("rpm_limit", { mode: "number" }),
    budgetDuration: text("budget_duration"),
    budgetResetAt: timestamptz("budget_reset_at"),
    allowedCacheControls: stringList("allowed_cache_controls"),
    metadata: jsonObject("metadata"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("users_user_email_idx").on(t.userEmail),
    index("users_organization_id_idx").on(t.organizationId),
    index("users_budget_reset_at_idx").on(t.budgetResetAt),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
