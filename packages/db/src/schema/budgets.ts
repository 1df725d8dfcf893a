import { bigint, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { generatedId } from "../columns/generated-id.ts";
import { jsonObject } from "../columns/json.ts";
import { money } from "../columns/money.ts";
import { createdAt, timestamptz, updatedAt } from "../columns/timestamps.ts";

/**
 * A reusable set of limits (LiteLLM_BudgetTable). Organizations, end users and team
 * memberships point at one instead of carrying their own limit columns, so one budget can
 * be shared by many of them. Keys, teams and users also carry inline limits, as in LiteLLM.
 */
export const budgets = pgTable(
  "budgets",
  {
    id: generatedId("id"),
    maxBudget: money("max_budget"),
    /** Spend at which alerts fire; requests are not blocked until `max_budget`. */
    softBudget: money("soft_budget"),
    maxParallelRequests: integer("max_parallel_requests"),
    tpmLimit: bigint("tpm_limit", { mode: "number" }),
    rpmLimit: bigint("rpm_limit", { mode: "number" }),
    /** Per-model limits keyed by model name; the budgets package owns the value shape. */
    modelMaxBudget: jsonObject("model_max_budget"),
    /** LiteLLM duration string ("30s", "1h", "7d", "1mo"); null means the budget never resets. */
    budgetDuration: text("budget_duration"),
    budgetResetAt: timestamptz("budget_reset_at"),
    createdAt: createdAt(),
    createdBy: text("created_by"),
    updatedAt: updatedAt(),
    updatedBy: text("updated_by"),
  },
  // The reset job scans for budgets whose reset time has passed.
  (t) => [index("budgets_budget_reset_at_idx").on(t.budgetResetAt)],
);

export type Budget = typeof budgets.$inferSelect;
export type NewBudget = typeof budgets.$inferInsert;
