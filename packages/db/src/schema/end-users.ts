import { boolean, pgTable, text } from "drizzle-orm/pg-core";
import { money } from "../columns/money.ts";
import { createdAt, updatedAt } from "../columns/timestamps.ts";
import { budgets } from "./budgets.ts";

/**
 * A customer of a gateway user, identified by the `user` field of OpenAI requests
 * (LiteLLM_EndUserTable). Tracked for spend and optionally limited by a budget.
 */
export const endUsers = pgTable("end_users", {
  /** The request's `user` string, exactly as sent; no generated default. */
  id: text("id").primaryKey(),
  alias: text("alias"),
  spend: money("spend").notNull().default(0),
  /** Restrict this end user's requests to deployments in one region (e.g. "eu"). */
  allowedModelRegion: text("allowed_model_region"),
  /** Fallback model when no deployment is available in `allowed_model_region`. */
  defaultModel: text("default_model"),
  budgetId: text("budget_id").references(() => budgets.id, { onDelete: "restrict" }),
  blocked: boolean("blocked").notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type EndUser = typeof endUsers.$inferSelect;
export type NewEndUser = typeof endUsers.$inferInsert;
