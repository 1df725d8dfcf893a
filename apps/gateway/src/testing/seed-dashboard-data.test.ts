import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, executeRows, type Database } from "@org/db";
import { seedDashboardData, type SeededDashboardData } from "./seed-dashboard-data.ts";

// The helper the dashboard's tests and perf check rely on: what it promises about its data.
describe("seedDashboardData (PGlite)", () => {
  let database: Database;
  let seeded: SeededDashboardData;
  const now = new Date("2026-06-30T12:00:00Z");

  beforeAll(async () => {
    database = await createDb({});
    await database.migrate();
    seeded = await seedDashboardData(database.db, { rows: 3_300, keys: 40, now, batchSize: 1000 });
  });
  afterAll(() => database?.close());

  it("writes the rows and keys asked for, spread over 30 days, ~3% failures", async () => {
    const [stats] = await executeRows<Record<string, unknown>>(
      database.db,
      `select count(*)::int as n, count(*) filter (where status = 'failure')::int as failed,
              min(start_time) as oldest, max(start_time) as newest,
              count(distinct model_group)::int as models, count(distinct team_id)::int as teams,
              count(distinct api_key_hash)::int as keys
       from spend_logs`,
    );
    expect(stats!.n).toBe(3_300);
    expect(stats!.failed).toBe(100);
    expect(new Date(stats!.newest as string).toISOString()).toBe(now.toISOString());
    const spanDays = (now.getTime() - new Date(stats!.oldest as string).getTime()) / 86_400_000;
    expect(spanDays).toBeGreaterThan(29.9);
    expect(spanDays).toBeLessThanOrEqual(30);
    expect(stats!.models).toBe(5);
    expect(stats!.teams).toBe(8);
    expect(stats!.keys).toBe(40);
  });

  it("stores each key's SHA-256 and the rows point at seeded keys with their team", async () => {
    const key = seeded.keys[7]!;
    expect(key.keyHash).toBe(createHash("sha256").update(key.key).digest("hex"));
    const [row] = await executeRows<{ team_id: string; user_id: string; key_alias: string }>(
      database.db,
      `select team_id, user_id, key_alias from virtual_keys where token_hash = '${key.keyHash}'`,
    );
    expect(row).toEqual({ team_id: key.teamId, user_id: key.userId, key_alias: key.keyAlias });
    const [orphans] = await executeRows<{ n: number }>(
      database.db,
      `select count(*)::int as n from spend_logs s left join virtual_keys k
         on k.token_hash = s.api_key_hash where k.team_id is distinct from s.team_id`,
    );
    expect(orphans!.n).toBe(0);
  });
});
