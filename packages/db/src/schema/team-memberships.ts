import { index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { money } from "../columns/money.ts";
import { createdAt } from "../columns/timestamps.ts";
import { budgets } from "./budgets.ts";
import { teams } from "./teams.ts";
import { users } from "./users.ts";

/**
 * A user's membership of a team (LiteLLM_TeamMembership plus the role LiteLLM keeps in
 * `members_with_roles`), with the user's spend inside that team and an optional
 * per-member budget.
 */
export const teamMemberships = pgTable(
  "team_memberships",
  {
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** LiteLLM team member role: "admin" or "user". */
    role: text("role").notNull().default("user"),
    spend: money("spend").notNull().default(0),
    budgetId: text("budget_id").references(() => budgets.id, { onDelete: "restrict" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: "team_memberships_pkey", columns: [t.teamId, t.userId] }),
    // The primary key serves "members of a team"; this serves "teams of a user".
    index("team_memberships_user_id_idx").on(t.userId),
  ],
);

export type TeamMembership = typeof teamMemberships.$inferSelect;
export type NewTeamMembership = typeof teamMemberships.$inferInsert;
