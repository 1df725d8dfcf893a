import { bigint, boolean, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { generatedId } from "../columns/generated-id.ts";
import { jsonObject, stringList } from "../columns/json.ts";
import { money } from "../columns/money.ts";
import { createdAt, timestamptz, updatedAt } from "../columns/timestamps.ts";
import { organizations } from "./organizations.ts";

/**
 * A group that keys are issued to (LiteLLM_TeamTable). Members live in `team_memberships`
 * rather than LiteLLM's `admins`/`members`/`members_with_roles` arrays, so membership is
 * one row with a foreign key instead of three copies to keep in sync.
 */
export const teams = pgTable(
  "teams",
  {
    id: generatedId("id"),
    teamAlias: text("team_alias"),
    organizationId: text("organization_id").references(() => organizations.id, {
      onDelete: "restrict",
    }),
    models: stringList("models"),
    maxBudget: money("max_budget"),
    softBudget: money("soft_budget"),
    spend: money("spend").notNull().default(0),
    modelSpend: jsonObject<Record<string, number>>("model_spend"),
    modelMaxBudget: jsonObject("model_max_budget"),
    /** Team-level model aliases; LiteLLM keeps these in a separate LiteLLM_ModelTable row. */
    modelAliases: jsonObject<Record<string, string>>("model_aliases"),
    maxParallelRequests: integer("max_parallel_requests"),
    tpmLimit: bigint("tpm_limit", { mode: "number" }),
    rpmLimit: bigint("rpm_limit", { mode: "number" }),
    budgetDuration: text("budget_duration"),
    budgetResetAt: timestamptz("budget_reset_at"),
    blocked: boolean("blocked").notNull().default(false),
    metadata: jsonObject("metadata"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("teams_organization_id_idx").on(t.organizationId),
    index("teams_team_alias_idx").on(t.teamAlias),
    index("teams_budget_reset_at_idx").on(t.budgetResetAt),
  ],
);

export type Team = typeof teams.$inferSelect;
export type NewTeam = typeof teams.$inferInsert;
