import { readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate as drizzleMigrate } from "drizzle-orm/pglite/migrator";
import { describe, expect, it } from "vitest";
import { applyMigrations, type MigrationStep } from "./apply-migrations.ts";
import { createDb } from "./create-db.ts";
import { executeRows } from "./execute-rows.ts";
import { migrationsFolder } from "./migrations-folder.ts";
import * as schema from "./schema/index.ts";

// PGlite boots a WebAssembly Postgres per instance: allow more than vitest's 5 s default.
const SLOW = 60_000;

// Read here rather than listed, so adding a migration does not mean editing this test.
const TAGS = (
  JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: Array<{ tag: string }>;
  }
).entries.map((entry) => entry.tag);
const TOTAL = TAGS.length;

describe("migrate() progress", { timeout: SLOW }, () => {
  it("tells each pending migration, in order, then nothing once current", async () => {
    const database = await createDb({});
    try {
      const steps: MigrationStep[] = [];
      const first = await database.migrate({ onMigration: (step) => steps.push(step) });
      expect(TAGS.slice(0, 2)).toEqual(["0000_initial", "0001_deleted_virtual_keys"]);
      expect(steps).toEqual(TAGS.map((name, i) => ({ index: i + 1, of: TOTAL, name })));
      expect(first).toEqual({ applied: TOTAL, total: TOTAL });

      const again: MigrationStep[] = [];
      expect(await database.migrate({ onMigration: (step) => again.push(step) })).toEqual({
        applied: 0,
        total: TOTAL,
      });
      expect(again).toEqual([]);
      await expect(database.migrate()).resolves.toEqual({ applied: 0, total: TOTAL });
    } finally {
      await database.close();
    }
  });

  it("keeps drizzle's bookkeeping: a database drizzle's migrator set up is current", async () => {
    // The same PGlite instance seen through drizzle's own migrator first, then through ours:
    // existing databases must not be migrated twice after the switch.
    const client = await PGlite.create();
    try {
      await drizzleMigrate(drizzle({ client, schema }), {
        migrationsFolder,
        migrationsSchema: "s",
      });
      const before = await executeRows(
        drizzle({ client, schema }),
        sql`select hash, created_at from s.__drizzle_migrations order by id`,
      );
      const steps: MigrationStep[] = [];
      const result = await applyMigrations(drizzle({ client, schema }), {
        migrationsSchema: "s",
        onMigration: (step) => steps.push(step),
      });
      expect(result).toEqual({ applied: 0, total: TOTAL });
      expect(steps).toEqual([]);
      const after = await executeRows(
        drizzle({ client, schema }),
        sql`select hash, created_at from s.__drizzle_migrations order by id`,
      );
      expect(after).toEqual(before);
      expect(after).toHaveLength(TOTAL);
    } finally {
      await client.close();
    }
  });

  it("applies only what is missing on a database an older release migrated", async () => {
    // An "older release": the first two migrations only, applied by drizzle's own migrator.
    const older = await mkdtemp(join(tmpdir(), "db-older-release-"));
    const client = await PGlite.create();
    try {
      await mkdir(join(older, "meta"));
      const journal = JSON.parse(
        readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8"),
      ) as { entries: Array<{ tag: string }> };
      journal.entries = journal.entries.slice(0, 2);
      await writeFile(join(older, "meta", "_journal.json"), JSON.stringify(journal));
      for (const tag of TAGS.slice(0, 2)) {
        await copyFile(join(migrationsFolder, `${tag}.sql`), join(older, `${tag}.sql`));
      }
      const db = drizzle({ client, schema });
      await drizzleMigrate(db, { migrationsFolder: older });

      const steps: MigrationStep[] = [];
      expect(await applyMigrations(db, { onMigration: (step) => steps.push(step) })).toEqual({
        applied: TOTAL - 2,
        total: TOTAL,
      });
      expect(steps).toEqual(
        TAGS.slice(2).map((name, i) => ({ index: i + 1, of: TOTAL - 2, name })),
      );
      const [row] = await executeRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      expect(row?.n).toBe(TOTAL);
    } finally {
      await client.close();
      await rm(older, { recursive: true, force: true });
    }
  });
});
