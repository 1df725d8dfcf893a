import { pgTable, text } from "drizzle-orm/pg-core";
import { generatedId } from "../columns/generated-id.ts";
import { jsonObject, stringList } from "../columns/json.ts";
import { money } from "../columns/money.ts";
import { createdAt, updatedAt } from "../columns/timestamps.ts";
import { budgets } from "./budgets.ts";

/** Top of the tenancy tree (LiteLLM_OrganizationTable): owns teams, users and keys. */
export const organizations = pgTable("organizations", {
  id: generatedId("id"),
  organizationAlias: text("organization_alias").notNull(),
  // Restrict, not set null: deleting a budget must not silently lift an organization's limits.
  budgetId: text("budget_id").references(() => budgets.id, { onDelete: "restrict" }),
  models: stringList("models"),
  spend: money("spend").notNull().default(0),
  /** Spend per model name, kept alongside `spend` for LiteLLM's `model_spend`. */
  modelSpend: jsonObject<Record<string, number>>("model_spend"),
  metadata: jsonObject("metadata"),
  createdAt: createdAt(),
  createdBy: text("created_by"),
  updatedAt: updatedAt(),
  updatedBy: text("updated_by"),
});

export type Organization = typeof organizations.$inferSelect;
export type NewOrganization = typeof organizations.$inferInsert;
