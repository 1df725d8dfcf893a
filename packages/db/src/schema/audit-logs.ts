import { index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { generatedId } from "../columns/generated-id.ts";
import { timestamptz } from "../columns/timestamps.ts";

/** Who changed which management object, and how (LiteLLM_AuditLog). Append-only. */
export const auditLogs = pgTable(
  "audit_logs",
  {
    id: generatedId("id"),
    changedAt: timestamptz("changed_at").notNull().defaultNow(),
    /** `users.id` or a system actor name; "" when unknown. */
    changedBy: text("changed_by").notNull().default(""),
    /** `virtual_keys.token_hash` of the key that made the call; "" when none. */
    changedByApiKeyHash: text("changed_by_api_key_hash").notNull().default(""),
    /** "created", "updated", "deleted", "blocked", "rotated", ... */
    action: text("action").notNull(),
    /** Our table name ("virtual_keys", "teams", ...), not LiteLLM's. */
    tableName: text("table_name").notNull(),
    objectId: text("object_id").notNull(),
    /** Row before the change; secrets must be redacted by the writer. */
    beforeValue: jsonb("before_value"),
    /** The changed fields after the change; secrets must be redacted by the writer. */
    updatedValues: jsonb("updated_values"),
  },
  (t) => [
    index("audit_logs_table_name_object_id_idx").on(t.tableName, t.objectId),
    index("audit_logs_changed_at_idx").on(t.changedAt),
  ],
);

export type AuditLog = typeof auditLogs.$inferSelect;
export type NewAuditLog = typeof auditLogs.$inferInsert;
