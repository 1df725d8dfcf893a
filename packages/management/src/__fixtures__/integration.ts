import { randomBytes } from "node:crypto";
import { createDb, type Database } from "@org/db";
import { testServices } from "@org/testing";
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";

/**
 * The URL of a real PostgreSQL for `*.int.test.ts`, or undefined to skip. Under CI a missing URL
 * fails instead: the integration tests must run there. (Budgets' fixtures have the same helper;
 * test fixtures are not part of its public exports, so this package keeps its own.)
 */
export function integrationUrl(name: "TEST_DATABASE_URL"): string | undefined {
  const { databaseUrl: url, required } = testServices();
  if (!url && required) {
    it(`has ${name} (required when CI is set)`, () => {
      expect.fail(`${name} is not set, so these integration tests cannot run in CI`);
    });
  }
  return url;
}

/** A migrated database in a new schema of its own; `drop()` removes the schema. */
export async function freshDatabase(url: string): Promise<{ database: Database; drop(): Promise<void> }> {
  const schema = `test_management_${randomBytes(6).toString("hex")}`;
  const database = await createDb({ url, schema, max: 4 });
  await database.migrate();
  return {
    database,
    async drop() {
      try {
        await database.db.execute(sql.raw(`drop schema if exists "${schema}" cascade`));
      } finally {
        await database.close();
      }
    },
  };
}
