import type { MigrateOptions, MigrateResult } from "./apply-migrations.ts";
import type { DbClient } from "./db-client.ts";
import type { RawSql } from "./raw-sql.ts";

/** An open database: the drizzle client plus the lifecycle the gateway drives. */
export interface Database {
  /** Which driver is behind `db`: a PostgreSQL server or embedded PGlite. */
  readonly kind: "postgres" | "pglite";
  readonly db: DbClient;
  /** Plain SQL and LISTEN/NOTIFY on the same connection(s) as `db` (see `raw-sql.ts`). */
  readonly raw: RawSql;
  /**
   * Applies pending migrations from this package's `drizzle/` folder, telling
   * `options.onMigration` before each. Safe to call repeatedly.
   */
  migrate(options?: MigrateOptions): Promise<MigrateResult>;
  /** Runs `select 1`; rejects when the database is unreachable (used by /health/readiness). */
  ping(): Promise<void>;
  /** Closes the pool or the PGlite instance. Safe to call more than once. */
  close(): Promise<void>;
}
