import { auditLogs, teams, users, virtualKeys, type Database } from "@org/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createAuthenticator,
  createDbKeySource,
  createMemoryKeyInvalidationBus,
  hashKey,
} from "@org/budgets";
import { freshDatabase, integrationUrl } from "./__fixtures__/integration.ts";
import { callerFrom } from "./caller.ts";
import { createManagement, type Management } from "./create-management.ts";

const url = integrationUrl("TEST_DATABASE_URL");

describe.skipIf(!url)("management service on PostgreSQL (TEST_DATABASE_URL)", () => {
  let database: Database;
  let drop: () => Promise<void>;
  let m: Management;
  const bus = createMemoryKeyInvalidationBus();
  const admin = callerFrom({ kind: "master", keyHash: hashKey("sk-master") });

  const counts = async () => {
    const db = database.db;
    const n = async (t: typeof users | typeof teams | typeof virtualKeys | typeof auditLogs) =>
      (await db.select({ n: sql<number>`count(*)::int` }).from(t))[0]!.n;
    return {
      users: await n(users),
      teams: await n(teams),
      keys: await n(virtualKeys),
      audit: await n(auditLogs),
    };
  };

  beforeAll(async () => {
    ({ database, drop } = await freshDatabase(url!));
    m = createManagement({ db: database.db, bus });
  }, 60_000);
  afterAll(async () => {
    await drop?.();
  });

  it("a failed create changes nothing, even after earlier statements of it succeeded", async () => {
    await m.teams.create(admin, { team_id: "real" });
    const before = await counts();
    // The user row is inserted, then the second team does not exist: everything rolls back.
    await expect(
      m.users.create(admin, { user_id: "u1", teams: ["real", "missing"] }),
    ).rejects.toMatchObject({ status: 400 });
    // A duplicate custom key fails after its budget row was written.
    const { key } = await m.keys.generate(admin, {});
    const mid = await counts();
    await expect(m.keys.generate(admin, { key, soft_budget: 1 })).rejects.toMatchObject({
      status: 400,
    });
    expect(await counts()).toEqual(mid);
    expect(mid.users).toBe(before.users);
    expect(mid.keys).toBe(before.keys + 1);
  });

  it("concurrent creates of one team id: exactly one wins", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        m.teams.create(admin, { team_id: "race", team_alias: "race" }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results)
      if (r.status === "rejected") expect(r.reason).toMatchObject({ status: 400 });
  });

  it("keys resolve through the database key source, and deleting their team retires them", async () => {
    const auth = createAuthenticator({ source: createDbKeySource(database.db), bus });
    await m.teams.create(admin, { team_id: "doomed", max_budget: 3 });
    const { key } = await m.keys.generate(admin, { team_id: "doomed", max_budget: 1 });
    const identity = await auth.authenticate(key);
    expect(identity).toMatchObject({ kind: "virtual_key", teamId: "doomed" });
    await m.teams.delete(admin, { team_ids: ["doomed"] });
    await expect(Promise.resolve().then(() => auth.authenticate(key))).rejects.toThrow(
      /was deleted/,
    );
  });
});
