import type { Database } from "./database.ts";

export interface CreateDbOptions {
  /** PostgreSQL connection URL. When set (non-empty) postgres.js is used; otherwise PGlite. */
  url?: string;
  /** PGlite only: directory for the database files, created if missing. Undefined or `memory://` = in memory. */
  dataDir?: string;
  /**
   * Schema holding every table and the migrations bookkeeping; created if missing and made
   * the only entry of search_path. Isolates parallel tests and tenants sharing one database.
   * Default: the connection's default search_path (normally `public`).
   */
  schema?: string;
  /** postgres.js only: maximum pool size (default 10). PGlite is a single connection. */
  max?: number;
}

/**
 * Opens the gateway's database: a PostgreSQL server when `url` is given, embedded PGlite
 * otherwise. Call `migrate()` before use; `close()` when done.
 */
export async function createDb(options: CreateDbOptions = {}): Promise<Database> {
  if (options.max !== undefined && (!Number.isInteger(options.max) || options.max < 1)) {
    throw new Error(`createDb: max must be a positive integer, got ${options.max}`);
  }
  // Each driver is imported only when chosen: PGlite's module graph (drizzle's pglite driver,
  // the emscripten glue) cost ~40 MiB of RSS under tsx in a gateway that talks to PostgreSQL and
  // never opens it.
  if (options.url) {
    const { openPostgresDatabase } = await import("./open-postgres-database.ts");
    return openPostgresDatabase({ url: options.url, schema: options.schema, max: options.max });
  }
  const { openPgliteDatabase } = await import("./open-pglite-database.ts");
  return openPgliteDatabase({ dataDir: options.dataDir, schema: options.schema });
}
