import { index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { money } from "../columns/money.ts";
import { createdAt, updatedAt } from "../columns/timestamps.ts";
import { budgets } from "./budgets.ts";
import { organizations } from "./organizations.ts";
import { users } from "./users.ts";

/**
 * A user's membership of an organization (LiteLLM_OrganizationMembership), written by
 * /organization/member_add: the role in that organization, the user's spend inside it and an
 * optional per-member budget (`max_budget_in_organization`). A user may belong to several
 * organizations; `users.organization_id` stays the one their keys act for.
 */
export const organizationMemberships = pgTable(
  "organization_memberships",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** LiteLLM organization member role: "org_admin", "internal_user" or "internal_user_viewer". */
    userRole: text("user_role").notNull().default("internal_user"),
    spend: money("spend").notNull().default(0),
    budgetId: text("budget_id").references(() => budgets.id, { onDelete: "restrict" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: "organization_memberships_pkey", columns: [t.organizationId, t.userId] }),
    // The primary key serves "members of an organization"; this serves "organizations of a user".
    index("organization_memberships_user_id_idx").on(t.userId),
  ],
);

export type OrganizationMembership = typeof organizationMemberships.$inferSelect;
export type NewOrganizationMembership = typeof organizationMemberships.$inferInsert;
