import { jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { updatedAt } from "../columns/timestamps.ts";

/**
 * Instance-wide settings changed at runtime (LiteLLM_Config's param_name/param_value):
 * one jsonb value per key, e.g. "general_settings", "router_settings".
 */
export const gatewaySettings = pgTable("gateway_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: updatedAt(),
  updatedBy: text("updated_by"),
});

export type GatewaySetting = typeof gatewaySettings.$inferSelect;
export type NewGatewaySetting = typeof gatewaySettings.$inferInsert;
