import type { SQLWrapper } from "drizzle-orm";
import type { DbClient } from "./db-client.ts";

/**
 * Runs raw SQL and returns its rows, whichever driver is behind `db`.
 *
 * `db.execute()` resolves to the row array itself on postgres.js but to `{ rows }` on PGlite,
 * which is why `DbClient` types its result as `unknown`. Prefer the query builder; use this
 * for the raw statements it cannot express.
 */
export async function executeRows<TRow extends Record<string, unknown>>(
  db: DbClient,
  query: SQLWrapper | string,
): Promise<TRow[]> {
  const result: unknown = await db.execute<TRow>(query);
  if (Array.isArray(result)) return result as TRow[];
  return (result as { rows: TRow[] }).rows;
}
