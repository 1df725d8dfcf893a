import { entityKind } from "drizzle-orm";
import type { DbClient } from "./db-client.ts";

/** The part of PGlite's connection (or transaction) COPY needs. */
interface PgliteCopy {
  query(sql: string, params: unknown[], options: { blob: Blob }): Promise<unknown>;
}

/**
 * PGlite's own connection behind a drizzle database or transaction, or undefined on postgres.js.
 * drizzle keeps it as `session.client`, and names each session class with `entityKind`; read
 * at run time because `DbClient` deliberately hides the driver (db-client.ts).
 * `copy-csv.test.ts` checks both drivers, so a drizzle upgrade that moves it fails there.
 */
function pgliteOf(db: DbClient): PgliteCopy | undefined {
  const session = (db as unknown as { session?: { client?: unknown } }).session;
  const kind = (session?.constructor as { [entityKind]?: string } | undefined)?.[entityKind];
  return kind === "PgliteSession" ? (session!.client as PgliteCopy) : undefined;
}

/** Whether `copyCsv` can load rows through `db` (embedded PGlite: yes; postgres.js: no). */
export function canCopyCsv(db: DbClient): boolean {
  return pgliteOf(db) !== undefined;
}

/**
 * Loads CSV rows into `table` with PostgreSQL's COPY (PGlite's `/dev/blob`): for a batch of
 * rows, about half the database's CPU of an `INSERT ... SELECT FROM jsonb_to_recordset`, which
 * on the embedded database is the gateway's own CPU (issue 22). COPY has no `ON CONFLICT`: a row
 * that breaks a constraint fails the whole statement (run it under a savepoint to go on).
 * `table` and `columns` are written into the statement as they are: pass constants, never input.
 */
export async function copyCsv(
  db: DbClient,
  table: string,
  columns: string,
  csv: string,
): Promise<void> {
  const pglite = pgliteOf(db);
  if (pglite === undefined) throw new Error("copyCsv: COPY from memory needs the PGlite driver");
  await pglite.query(`copy ${table} (${columns}) from '/dev/blob' with (format csv)`, [], {
    blob: new Blob([csv]),
  });
}
