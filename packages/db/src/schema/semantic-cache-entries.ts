import {
  bigint,
  bigserial,
  index,
  integer,
  pgTable,
  real,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt } from "../columns/timestamps.ts";

/**
 * The shared semantic cache (`cache_params.type: postgres-semantic`, ours): one row per cached
 * chat answer, keyed by its partition (tenant, model group, every non-prompt parameter; a hash
 * made by `@org/cache`) and its exact-cache key. Every gateway instance on this database reads
 * and writes the same rows; `@org/cache`'s `PostgresSemanticIndex` owns the SQL.
 *
 * - `id` only grows, and a replaced entry takes a new one: an instance that keeps its own index
 *   catches up by reading rows with an id above the last it saw.
 * - `embedding` is the unit prompt vector as float4[], which pgvector casts to `vector` where the
 *   extension exists and which every PostgreSQL stores where it does not.
 * - `expires_at_ms` is epoch milliseconds (null: no expiry), compared with the cache's clock
 *   rather than the database's, so a test's fake clock and every instance agree.
 */
export const semanticCacheEntries = pgTable(
  "semantic_cache_entries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    partition: text("partition").notNull(),
    cacheKey: text("cache_key").notNull(),
    dimensions: integer("dimensions").notNull(),
    embedding: real("embedding").array().notNull(),
    /** The encoded answer (`@org/cache`'s entry format). */
    body: text("body").notNull(),
    expiresAtMs: bigint("expires_at_ms", { mode: "number" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("semantic_cache_entries_partition_key_idx").on(t.partition, t.cacheKey),
    index("semantic_cache_entries_expires_at_idx").on(t.expiresAtMs),
  ],
);

export type SemanticCacheEntry = typeof semanticCacheEntries.$inferSelect;
