import { randomUUID } from "node:crypto";
import { teams, virtualKeys, type Database } from "@org/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, integrationUrl } from "../__fixtures__/integration.ts";
import { spendRecord } from "../__fixtures__/spend-records.ts";
import { hashKey } from "../keys/virtual-key.ts";
import { createDbSpendWriter } from "./spend-writer.ts";

// Issue 22's review of the pre-added running totals (exact-spend-sum.ts): with costs that round
// at the column's 10th decimal (5e-11 up, 4.9e-11 to nothing), tiny, huge, negative and many,
// and a row the database refuses in the same batch, each running total must equal, digit for
// digit, the sum of the spend_logs rows it was charged for. Compared as numeric text, never as
// floats.

const dbUrl = integrationUrl("TEST_DATABASE_URL");

const ODD = [
  ...Array.from({ length: 1_000 }, () => 1e-10),
  5e-11,
  5e-11,
  5e-11,
  4.9e-11,
  4.9e-11,
  1e6,
  1e6,
  123_456.789_012_345_6,
  0.1,
  0.2,
  -1e-10,
  -5e-11,
  9_999.999_999_999_99,
];

describe.skipIf(!dbUrl)("spend writer totals with odd costs (TEST_DATABASE_URL)", () => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, drop } = await freshDatabase(dbUrl!));
  });
  afterAll(async () => {
    await drop?.();
  });

  const text = async (query: string, params: unknown[]) => {
    const [row] = await database.raw.query<{ v: string }>(query, params);
    return row!.v;
  };

  it("keeps each running total equal to the exact sum of its logged rows, a refused row aside", async () => {
    const [team] = await database.db
      .insert(teams)
      .values({ teamAlias: `odd-${randomUUID()}` })
      .returning();
    const keyHash = hashKey(`sk-${randomUUID()}`);
    await database.db.insert(virtualKeys).values({ tokenHash: keyHash, teamId: team!.id });
    const writer = createDbSpendWriter(database.db);
    const owner = { apiKeyHash: keyHash, virtualKey: true, teamId: team!.id };
    const records = ODD.map((spend, i) =>
      spendRecord({ ...owner, spend, model: i % 2 === 0 ? "gpt-a" : "gpt-b" }),
    );
    // A row PostgreSQL refuses (NOT NULL call_type) in the middle of the batch.
    const bad = spendRecord({ ...owner, spend: 0.5, callType: null as unknown as string });
    const batch = [...records.slice(0, 500), bad, ...records.slice(500)];
    expect(await writer.write(batch)).toBe(records.length);
    expect(writer.rejectedCount()).toBe(1);
    // A replay of part of it with new records: only the new ones are added.
    const more = [records[0]!, spendRecord({ ...owner, spend: 5e-11 })];
    expect(await writer.write(more)).toBe(1);

    const logged = await text(
      `select sum(spend)::text as v from spend_logs where api_key_hash = $1`,
      [keyHash],
    );
    // Worked out by hand at 10 decimals: 1,000 x 1e-10 = 0.0000001; four 5e-11 round up to
    // 4e-10 (pre-adding before rounding would give 2e-10); 4.9e-11 rounds to 0; 2e6;
    // 123456.7890123456; 0.1 + 0.2 = 0.3 exactly; -1e-10 and -5e-11 give -2e-10;
    // 9999.99999999999 rounds to 10000.
    expect(logged).toBe("2133457.0890124458");
    expect(
      await text(
        `select spend::numeric(30, 10)::text as v from virtual_keys where token_hash = $1`,
        [keyHash],
      ),
    ).toBe(logged);
    expect(
      await text(`select spend::numeric(30, 10)::text as v from teams where id = $1`, [team!.id]),
    ).toBe(logged);
    // Per model too (model_spend), summed back from the key's map.
    const perModel = await text(
      `select (select sum(value::numeric)::numeric(30, 10) from jsonb_each_text(model_spend))::text as v
         from virtual_keys where token_hash = $1`,
      [keyHash],
    );
    expect(perModel).toBe(logged);
  });
});
