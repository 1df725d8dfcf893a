import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { DbClient } from "./db-client.ts";
import { executeRows } from "./execute-rows.ts";
import { migrationsFolder } from "./migrations-folder.ts";

/** One migration about to be applied: the `index`-th (1-based) of `of` pending ones. */
export interface MigrationStep {
  index: number;
  of: number;
  /** The migration's file name without `.sql`, e.g. `0001_deleted_virtual_keys`. */
  name: string;
}

export interface MigrateOptions {
  /**
   * Told before each pending migration is applied, so a caller can say what a slow first start
   * is doing. The package never prints anything itself.
   */
  onMigration?: (step: MigrationStep) => void;
}

export interface MigrateResult {
  /** Migrations applied by this call (0 when the schema was already current). */
  applied: number;
  /** Migrations the package ships. */
  total: number;
}

/**
 * drizzle's migrator (`migrate()` of drizzle-orm/<driver>/migrator) applies every pending
 * migration in one transaction and says nothing until it is done. This does the same work with
 * the same bookkeeping table (`<schema>.__drizzle_migrations`: hash and the journal's
 * timestamp, so databases migrated by either are interchangeable), one transaction per
 * migration, and reports each step. A failure leaves the earlier migrations applied, each one
 * whole. Callers serialise concurrent runs (PGlite: a promise chain; PostgreSQL: an advisory
 * lock).
 */
export async function applyMigrations(
  db: DbClient,
  options: MigrateOptions & { migrationsSchema?: string },
): Promise<MigrateResult> {
  const migrations = readMigrationFiles({ migrationsFolder });
  const names = journalTags();
  const schema = sql.identifier(options.migrationsSchema ?? "drizzle");
  const table = sql`${schema}.${sql.identifier("__drizzle_migrations")}`;

  await db.execute(sql`create schema if not exists ${schema}`);
  await db.execute(
    sql`create table if not exists ${table} (id serial primary key, hash text not null, created_at bigint)`,
  );
  const [last] = await executeRows<{ created_at: string | number | null }>(
    db,
    sql`select created_at from ${table} order by created_at desc limit 1`,
  );
  const lastApplied = last?.created_at == null ? undefined : Number(last.created_at);
  // As drizzle decides: a migration is pending when it is newer than the newest applied one.
  const pending = migrations
    .map((migration, position) => ({ migration, name: names[position] ?? `#${position}` }))
    .filter(({ migration }) => lastApplied === undefined || lastApplied < migration.folderMillis);

  for (const [position, { migration, name }] of pending.entries()) {
    options.onMigration?.({ index: position + 1, of: pending.length, name });
    await db.transaction(async (tx) => {
      for (const statement of migration.sql) await tx.execute(sql.raw(statement));
      await tx.execute(
        sql`insert into ${table} ("hash", "created_at") values (${migration.hash}, ${migration.folderMillis})`,
      );
    });
  }
  return { applied: pending.length, total: migrations.length };
}

/** The journal's tags in order: readMigrationFiles returns the migrations in the same order. */
function journalTags(): string[] {
  const journal = JSON.parse(
    readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8"),
  ) as { entries: Array<{ tag: string }> };
  return journal.entries.map((entry) => entry.tag);
}
