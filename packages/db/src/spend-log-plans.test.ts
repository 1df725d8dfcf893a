import { afterAll, beforeAll, describe, it } from "vitest";
import { createDb } from "./create-db.ts";
import type { Database } from "./database.ts";
import {
  expectEveryQueryIndexed,
  expectPartialOwnerIndexes,
  PLAN_ROWS,
  seedSpendLogsForPlans,
} from "./__fixtures__/spend-log-plans.ts";

// The spend queries on the embedded database use spend_logs' indexes (EXPLAIN, never a timing).
// The same checks on PostgreSQL: spend-log-plans.int.test.ts.

describe(`spend queries on PGlite (${PLAN_ROWS.toLocaleString("en")} rows)`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createDb({});
    await database.migrate();
    await seedSpendLogsForPlans(database);
  }, 120_000);
  afterAll(() => database?.close());

  it("each one uses its index, with its values and as a generic prepared plan", async () => {
    await expectPartialOwnerIndexes(database);
    await expectEveryQueryIndexed(database);
  }, 60_000);
});
