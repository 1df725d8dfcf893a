import { createDb, type Database } from "@org/db";
import { afterAll, beforeAll, describe } from "vitest";
import { poisonRowContract } from "../__fixtures__/poison-rows.ts";

// The same contract runs on a real PostgreSQL in spend-writer.int.test.ts.
describe("spend writer: a record the database refuses (embedded PGlite)", () => {
  let database: Database;
  beforeAll(async () => {
    database = await createDb({});
    await database.migrate();
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });
  poisonRowContract(() => database);
});
