import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "./create-db.ts";
import type { Database } from "./database.ts";
import {
  expectEveryQueryIndexed,
  expectPartialOwnerIndexes,
  PLAN_ROWS,
  seedSpendLogsForPlans,
} from "./__fixtures__/spend-log-plans.ts";

// spend-log-plans.test.ts on a real PostgreSQL (TEST_DATABASE_URL), in a schema of its own.
const url = process.env.TEST_DATABASE_URL;

if (!url && process.env.CI) {
  it("has TEST_DATABASE_URL (required when CI is set)", () => {
    expect.fail("TEST_DATABASE_URL is not set, so the PostgreSQL plan checks cannot run in CI");
  });
}

describe.skipIf(!url)(
  `spend queries on PostgreSQL (${PLAN_ROWS.toLocaleString("en")} rows)`,
  () => {
    const schema = `test_plans_${randomBytes(6).toString("hex")}`;
    let database: Database;
    beforeAll(async () => {
      // One connection: PREPARE and SET must reach the session that runs EXPLAIN EXECUTE.
      database = await createDb({ url: url!, schema, max: 1 });
      await database.migrate();
      await seedSpendLogsForPlans(database);
    }, 120_000);
    afterAll(async () => {
      if (!database) return;
      try {
        await database.raw.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await database.close();
      }
    });

    it("each one uses its index, with its values and as a generic prepared plan", async () => {
      await expectPartialOwnerIndexes(database);
      await expectEveryQueryIndexed(database);
    }, 60_000);
  },
);
