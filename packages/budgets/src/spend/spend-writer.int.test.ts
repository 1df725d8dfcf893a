import { randomUUID } from "node:crypto";
import {
  endUsers,
  organizations,
  spendLogs,
  teamMemberships,
  teams,
  users,
  virtualKeys,
  type Database,
} from "@org/db";
import { eq, sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dropPrefix,
  freshDatabase,
  integrationUrl,
  uniquePrefix,
} from "../__fixtures__/integration.ts";
import { oversized, poisonRowContract } from "../__fixtures__/poison-rows.ts";
import { spendRecord } from "../__fixtures__/spend-records.ts";
import { hashKey } from "../keys/virtual-key.ts";
import { createRedisSpendJournal } from "./redis-spend-journal.ts";
import { createSpendFlusher } from "./spend-flusher.ts";
import { createDbSpendWriter } from "./spend-writer.ts";

const dbUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");

async function seed(database: Database) {
  const db = database.db;
  const [org] = await db.insert(organizations).values({ organizationAlias: "acme" }).returning();
  const [team] = await db
    .insert(teams)
    .values({ teamAlias: "search", organizationId: org!.id })
    .returning();
  const [user] = await db
    .insert(users)
    .values({ id: `u-${randomUUID()}` })
    .returning();
  await db.insert(teamMemberships).values({ teamId: team!.id, userId: user!.id });
  const keyHash = hashKey(`sk-${randomUUID()}`);
  await db.insert(virtualKeys).values({ tokenHash: keyHash, teamId: team!.id, userId: user!.id });
  return { orgId: org!.id, teamId: team!.id, userId: user!.id, keyHash };
}

const total = async (database: Database) => {
  const [row] = await database.db
    .select({ sum: sql<string>`coalesce(sum(${spendLogs.spend}), 0)` })
    .from(spendLogs);
  return Number(row!.sum);
};

describe.skipIf(!dbUrl)("spend writer on PostgreSQL (TEST_DATABASE_URL)", () => {
  let database: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ database, drop } = await freshDatabase(dbUrl!));
  });
  afterAll(async () => {
    await drop?.();
  });

  it("writes a batch of logs and adds it to every running total, exactly", async () => {
    const ids = await seed(database);
    const writer = createDbSpendWriter(database.db);
    const records = Array.from({ length: 10 }, (_, i) =>
      spendRecord({
        apiKeyHash: ids.keyHash,
        virtualKey: true,
        teamId: ids.teamId,
        userId: ids.userId,
        organizationId: ids.orgId,
        endUserId: "customer-7",
        spend: 0.1,
        modelGroup: i % 2 ? "gpt-4o" : "claude",
      }),
    );
    expect(await writer.write(records)).toBe(10);
    const db = database.db;
    const [key] = await db.select().from(virtualKeys).where(eq(virtualKeys.tokenHash, ids.keyHash));
    // numeric columns: ten costs of 0.1 add up to exactly 1.
    expect(key!.spend).toBe(1);
    expect(key!.modelSpend).toEqual({ "gpt-4o": 0.5, claude: 0.5 });
    expect(key!.lastActiveAt).not.toBeNull();
    const [team] = await db.select().from(teams).where(eq(teams.id, ids.teamId));
    expect(team!.spend).toBe(1);
    const [user] = await db.select().from(users).where(eq(users.id, ids.userId));
    expect(user!.spend).toBe(1);
    const [org] = await db.select().from(organizations).where(eq(organizations.id, ids.orgId));
    expect(org!.spend).toBe(1);
    const [member] = await db
      .select()
      .from(teamMemberships)
      .where(eq(teamMemberships.userId, ids.userId));
    expect(member!.spend).toBe(1);
    const [customer] = await db.select().from(endUsers).where(eq(endUsers.id, "customer-7"));
    expect(customer!.spend).toBe(1);
  });

  it("a batch from many keys, teams and end users adds to each exactly the sum of its logged rows", async () => {
    const db = database.db;
    const [team] = await db.insert(teams).values({ teamAlias: "wide" }).returning();
    const keyHashes = Array.from({ length: 60 }, () => hashKey(`sk-${randomUUID()}`));
    await db
      .insert(virtualKeys)
      .values(keyHashes.map((tokenHash) => ({ tokenHash, teamId: team!.id })));
    // Costs with more digits than the spend column keeps, and float sums that drift (0.1 + 0.2).
    const costs = [0.1, 0.2, 1.23456789012345e-7, 0.3, 7e-11, 0.000123456789];
    const records = Array.from({ length: 480 }, (_, i) =>
      spendRecord({
        apiKeyHash: keyHashes[i % keyHashes.length]!,
        virtualKey: true,
        teamId: team!.id,
        endUserId: `wide-customer-${i % 7}`,
        spend: costs[i % costs.length]!,
        modelGroup: i % 3 ? "gpt-4o" : "claude",
      }),
    );
    expect(await createDbSpendWriter(db).write(records)).toBe(480);
    // Compared in SQL (numeric), so no JS rounding can hide a difference.
    const mismatched = await database.raw.query<{ token_hash: string }>(
      `select k.token_hash from virtual_keys k
         join (select api_key_hash, sum(spend) as s from spend_logs group by api_key_hash) l
           on l.api_key_hash = k.token_hash
        where k.team_id = $1 and k.spend <> l.s`,
      [team!.id],
    );
    expect(mismatched).toEqual([]);
    const [teamCheck] = await database.raw.query<{
      equal: boolean;
      models: Record<string, string>;
    }>(
      `select t.spend = (select sum(l.spend) from spend_logs l where l.team_id = t.id) as equal,
              t.model_spend as models
         from teams t where t.id = $1`,
      [team!.id],
    );
    expect(teamCheck!.equal).toBe(true);
    expect(Object.keys(teamCheck!.models).sort()).toEqual(["claude", "gpt-4o"]);
    const customers = await database.raw.query<{ id: string; equal: boolean }>(
      `select e.id, e.spend = (select sum(l.spend) from spend_logs l where l.end_user_id = e.id) as equal
         from end_users e where e.id like 'wide-customer-%' order by e.id`,
      [],
    );
    expect(customers).toHaveLength(7);
    expect(customers.every((c) => c.equal)).toBe(true);
  });

  it("stores every field of the record in its spend_logs column", async () => {
    const writer = createDbSpendWriter(database.db);
    const full = spendRecord({
      callType: "aembedding",
      apiKeyHash: "hash-1",
      spend: 0.0000123,
      promptTokens: 11,
      completionTokens: 7,
      totalTokens: 18,
      startTime: Date.UTC(2025, 2, 12, 10, 0, 0, 123),
      endTime: Date.UTC(2025, 2, 12, 10, 0, 1, 456) + 0.7,
      completionStartTime: Date.UTC(2025, 2, 12, 10, 0, 0, 789),
      model: "gpt-4o-2024-08-06",
      modelGroup: "gpt-4o",
      modelId: "dep-1",
      provider: "openai",
      apiBase: "https://api.example/v1",
      virtualKey: true,
      userId: "u-1",
      endUserId: "customer-1",
      teamId: "t-1",
      organizationId: "o-1",
      requestTags: ["a", 'quote " and \\ backslash'],
      metadata: { user_api_key_alias: "alias", nested: { n: 1 } },
      cacheHit: true,
      status: "failure",
      statusCode: 429,
      errorType: "rate_limit_error",
      // A NUL and a surrogate pair cut in half: jsonb refuses both, the batch must not.
      errorMessage: "slow down\u0000 \ud83d then \\u0000 as text",
    });
    const bare = spendRecord({});
    expect(await writer.write([full, bare])).toBe(2);
    const rows = await database.db
      .select()
      .from(spendLogs)
      .where(sql`${spendLogs.requestId} in (${full.requestId}, ${bare.requestId})`);
    const row = rows.find((r) => r.requestId === full.requestId)!;
    expect(row).toMatchObject({
      callType: "aembedding",
      apiKeyHash: "hash-1",
      spend: 0.0000123,
      promptTokens: 11,
      completionTokens: 7,
      totalTokens: 18,
      requestDurationMs: 1334,
      model: "gpt-4o-2024-08-06",
      modelGroup: "gpt-4o",
      modelId: "dep-1",
      provider: "openai",
      apiBase: "https://api.example/v1",
      userId: "u-1",
      endUserId: "customer-1",
      teamId: "t-1",
      organizationId: "o-1",
      requestTags: ["a", 'quote " and \\ backslash'],
      metadata: { user_api_key_alias: "alias", nested: { n: 1 } },
      cacheHit: true,
      status: "failure",
      statusCode: 429,
      errorType: "rate_limit_error",
      errorMessage: "slow down\ufffd \ufffd then \\u0000 as text",
    });
    expect(row.startTime.toISOString()).toBe("2025-03-12T10:00:00.123Z");
    expect(row.endTime.toISOString()).toBe("2025-03-12T10:00:01.456Z");
    expect(row.completionStartTime?.toISOString()).toBe("2025-03-12T10:00:00.789Z");
    const plain = rows.find((r) => r.requestId === bare.requestId)!;
    expect(plain).toMatchObject({
      completionStartTime: null,
      modelId: null,
      userId: null,
      teamId: null,
      requestTags: [],
      metadata: {},
      errorMessage: null,
    });
  });

  it("is idempotent by request_id: a replayed batch changes nothing", async () => {
    const ids = await seed(database);
    const writer = createDbSpendWriter(database.db);
    const records = Array.from({ length: 5 }, () =>
      spendRecord({ apiKeyHash: ids.keyHash, virtualKey: true, teamId: ids.teamId, spend: 0.2 }),
    );
    expect(await writer.write(records)).toBe(5);
    expect(await writer.write([...records, ...records])).toBe(0);
    const extra = spendRecord({
      apiKeyHash: ids.keyHash,
      virtualKey: true,
      teamId: ids.teamId,
      spend: 0.05,
    });
    expect(await writer.write([records[0]!, extra])).toBe(1);
    const [team] = await database.db.select().from(teams).where(eq(teams.id, ids.teamId));
    expect(team!.spend).toBe(1.05);
  });

  it("rolls back a batch that fails midway, then writes its good records without the bad one", async () => {
    const ids = await seed(database);
    const writer = createDbSpendWriter(database.db);
    const before = await total(database);
    const bad = spendRecord({
      teamId: ids.teamId,
      spend: 0.5,
      callType: null as unknown as string,
    });
    // The first attempt (both records, one transaction) fails on the NOT NULL and rolls back
    // whole; the writer then writes each half on its own: only the good record is charged.
    expect(await writer.write([spendRecord({ teamId: ids.teamId, spend: 0.5 }), bad])).toBe(1);
    expect(await total(database)).toBe(before + 0.5);
    const [team] = await database.db.select().from(teams).where(eq(teams.id, ids.teamId));
    expect(team!.spend).toBe(0.5);
    expect(writer.rejectedCount()).toBe(1);
  });

  describe("a record the database refuses (the same contract as on PGlite)", () => {
    poisonRowContract(() => database);
  });

  it("lets flushers of two instances write concurrently without losing or doubling spend", async () => {
    const ids = await seed(database);
    const a = createDbSpendWriter(database.db);
    const b = createDbSpendWriter(database.db);
    const batch = () =>
      Array.from({ length: 50 }, () =>
        spendRecord({
          apiKeyHash: ids.keyHash,
          virtualKey: true,
          teamId: ids.teamId,
          userId: ids.userId,
          spend: 0.01,
        }),
      );
    const batches = Array.from({ length: 8 }, batch);
    await Promise.all(batches.map((records, i) => (i % 2 ? a : b).write(records)));
    const [team] = await database.db.select().from(teams).where(eq(teams.id, ids.teamId));
    expect(team!.spend).toBe(4);
  });

  describe.skipIf(!redisUrl)("with the Redis journal (TEST_REDIS_URL)", () => {
    const prefix = uniquePrefix("journal");
    const clients: Redis[] = [];
    const client = () => {
      const r = new Redis(redisUrl!);
      clients.push(r);
      return r;
    };
    afterAll(async () => {
      await dropPrefix(client(), prefix);
      for (const c of clients) c.disconnect();
    });

    it("a poison record in the stream is set aside and acknowledged: the stream drains and a restart finds nothing stuck", async () => {
      const ids = await seed(database);
      const stream = `${prefix}spend-poison`;
      const owner = { apiKeyHash: ids.keyHash, virtualKey: true, teamId: ids.teamId, spend: 0.25 };
      const journal = createRedisSpendJournal({ redis: client(), stream, consumer: "gw-p" });
      await journal.append(spendRecord(owner));
      await journal.append(spendRecord({ ...owner, endUserId: oversized() }));
      await journal.append(spendRecord(owner));
      const writer = createDbSpendWriter(database.db);
      await createSpendFlusher({ journal, writer }).flush();
      expect(await journal.pending()).toBe(0);
      expect(writer.rejectedCount()).toBe(1);
      const [team] = await database.db.select().from(teams).where(eq(teams.id, ids.teamId));
      expect(team!.spend).toBe(0.5);
    });

    it("after a crash (kill -9) mid-flush, a restarted instance converges the ledger to exactly the sum served", async () => {
      const ids = await seed(database);
      const stream = `${prefix}spend`;
      const served = Array.from({ length: 120 }, () =>
        spendRecord({
          apiKeyHash: ids.keyHash,
          virtualKey: true,
          teamId: ids.teamId,
          spend: 0.0125,
        }),
      );
      // Instance A journals every request it serves...
      const a = createRedisSpendJournal({ redis: client(), stream, consumer: "gw-a" });
      for (const r of served) await a.append(r);
      // ...its flusher takes a batch, commits it, and dies before acknowledging (kill -9)...
      const taken = await a.read(50);
      await createDbSpendWriter(database.db).write(taken.map((e) => e.record));
      // ...and takes another batch it never writes.
      await a.read(30);
      // Instance B starts (new name; A never comes back) and takes over A's pending entries.
      const b = createRedisSpendJournal({
        redis: client(),
        stream,
        consumer: "gw-b",
        claimIdleMs: 0,
      });
      const flusher = createSpendFlusher({ journal: b, writer: createDbSpendWriter(database.db) });
      await flusher.flush();
      expect(await b.pending()).toBe(0);
      const [team] = await database.db.select().from(teams).where(eq(teams.id, ids.teamId));
      expect(team!.spend).toBe(1.5); // 120 * 0.0125, each request counted once
      const [{ n }] = (await database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(spendLogs)
        .where(eq(spendLogs.teamId, ids.teamId))) as [{ n: number }];
      expect(n).toBe(120);
    });

    it("a restarted instance with the same name resumes its own pending entries at once", async () => {
      const ids = await seed(database);
      const stream = `${prefix}spend2`;
      const first = createRedisSpendJournal({ redis: client(), stream, consumer: "gw-1" });
      await first.append(spendRecord({ teamId: ids.teamId, spend: 0.5 }));
      await first.read(10); // taken, never acknowledged: the process dies
      const again = createRedisSpendJournal({ redis: client(), stream, consumer: "gw-1" });
      await createSpendFlusher({
        journal: again,
        writer: createDbSpendWriter(database.db),
      }).flush();
      const [team] = await database.db.select().from(teams).where(eq(teams.id, ids.teamId));
      expect(team!.spend).toBe(0.5);
    });
  });
});
