import { pgTable, text } from "drizzle-orm/pg-core";
import { generatedId } from "../columns/generated-id.ts";
import { timestamptz } from "../columns/timestamps.ts";

/**
 * Spend records the database refused (the dead letters of the spend ledger): a value past a
 * btree index's size limit, a cost past `numeric(20, 10)`, ... The spend writer sets such a
 * record aside here, with the database's reason, so that the rest of its batch and every batch
 * after it are still written. Nothing is indexed but the id, so any record fits: `record` is the
 * journaled record as JSON text (text rather than jsonb because JSON text always stores, even
 * with escaped NULs). An operator can fix a record and replay it.
 */
export const spendLogsRejected = pgTable("spend_logs_rejected", {
  id: generatedId("id"),
  rejectedAt: timestamptz("rejected_at").notNull().defaultNow(),
  /** The record's `request_id` (not indexed: it may be the very value that was too long). */
  requestId: text("request_id").notNull(),
  /** The SQLSTATE the database answered with ("54000", "22003", ...), or "" for a local error. */
  errorCode: text("error_code").notNull().default(""),
  reason: text("reason").notNull(),
  /** The `SpendRecord` as JSON. */
  record: text("record").notNull(),
});

export type SpendLogRejected = typeof spendLogsRejected.$inferSelect;
