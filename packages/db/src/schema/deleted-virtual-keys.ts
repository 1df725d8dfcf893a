import { index, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "../columns/timestamps.ts";

/**
 * Hashes of keys that no longer work (LiteLLM_DeletedVerificationToken), so a request with one
 * is told that its key was deleted or replaced by `/key/regenerate` instead of "invalid key".
 * Only the hash is kept, never the key. No foreign keys: the key row is gone by design.
 */
export const deletedVirtualKeys = pgTable(
  "deleted_virtual_keys",
  {
    tokenHash: text("token_hash").primaryKey(),
    /** `virtual_keys.id` of the key that was deleted or rotated. */
    keyId: text("key_id").notNull(),
    keyAlias: text("key_alias"),
    teamId: text("team_id"),
    userId: text("user_id"),
    /** "deleted" or "regenerated". */
    reason: text("reason").notNull(),
    deletedAt: timestamptz("deleted_at").notNull().defaultNow(),
    deletedBy: text("deleted_by"),
  },
  (t) => [index("deleted_virtual_keys_key_id_idx").on(t.keyId)],
);

export type DeletedVirtualKey = typeof deletedVirtualKeys.$inferSelect;
export type NewDeletedVirtualKey = typeof deletedVirtualKeys.$inferInsert;
