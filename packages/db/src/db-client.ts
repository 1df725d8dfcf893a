import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema/index.ts";

/** Every table of the gateway, as passed to drizzle (enables `db.query.<table>`). */
export type DbSchema = typeof schema;

/**
 * The drizzle database both drivers produce (postgres.js and PGlite), typed with our schema.
 *
 * Other packages take a `DbClient` so they never learn which driver is behind it. It is the
 * common pg-core base class, so the driver-specific extras (`$client`, result shapes of
 * `execute`) are deliberately out of reach. A transaction (`db.transaction(async (tx) => …)`)
 * is a subclass of it, so functions taking a `DbClient` accept a `tx` too.
 */
export type DbClient = PgDatabase<PgQueryResultHKT, DbSchema>;
