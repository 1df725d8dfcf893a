import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "./create-db.ts";
import type { Database } from "./database.ts";
import { executeRows } from "./execute-rows.ts";
import { spendLogs, teamMemberships, teams, users, virtualKeys } from "./schema/index.ts";
import { journalEntryCount } from "./__fixtures__/journal-entries.ts";

// Needs a real PostgreSQL. Skipped without TEST_DATABASE_URL on a developer machine, but in
// CI a missing URL must fail rather than quietly skip the only test of the postgres.js path.
const url = process.env.TEST_DATABASE_URL;
const inCi = Boolean(process.env.CI);

const freshSchemaName = () => `test_db_${randomBytes(6).toString("hex")}`;

if (!url && inCi) {
  it("has TEST_DATABASE_URL (required when CI is set)", () => {
    expect.fail("TEST_DATABASE_URL is not set, so the PostgreSQL tests cannot run in CI");
  });
}

describe.skipIf(!url)("createDb with PostgreSQL (TEST_DATABASE_URL)", { timeout: 30_000 }, () => {
  // Every schema is new for this run and dropped afterwards, so parallel runs never meet.
  const schema = freshSchemaName();
  const otherSchema = freshSchemaName();
  // The migration race gets a schema of its own: the other tests need migrated tables
  // whichever order they run in (they used to pass only after the migration test).
  const raceSchema = freshSchemaName();
  let admin: postgres.Sql;
  let database: Database;
  let other: Database;

  beforeAll(async () => {
    if (!url) throw new Error("unreachable: the suite is skipped without TEST_DATABASE_URL");
    admin = postgres(url, { max: 1, onnotice: () => {} });
    database = await createDb({ url, schema, max: 3 });
    other = await createDb({ url, schema: otherSchema, max: 1 });
    await database.migrate();
    await other.migrate();
  }, 60_000);

  afterAll(async () => {
    await database?.close();
    await other?.close();
    if (admin) {
      await admin`drop schema if exists ${admin(schema)} cascade`;
      await admin`drop schema if exists ${admin(otherSchema)} cascade`;
      await admin`drop schema if exists ${admin(raceSchema)} cascade`;
      const left =
        await admin`select nspname from pg_namespace where nspname in (${schema}, ${otherSchema}, ${raceSchema})`;
      await admin.end({ timeout: 5 });
      expect(left).toHaveLength(0);
    }
  }, 60_000);

  it("creates the schema and answers ping", async () => {
    expect(database.kind).toBe("postgres");
    const found = await admin`select 1 from pg_namespace where nspname = ${schema}`;
    expect(found).toHaveLength(1);
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it("migrates into the schema, idempotently, even when replicas race", async () => {
    // Two replicas on one empty schema, started together, one of them twice.
    const replica = await createDb({ url: url!, schema: raceSchema, max: 2 });
    const twin = await createDb({ url: url!, schema: raceSchema, max: 1 });
    try {
      await Promise.all([replica.migrate(), replica.migrate(), twin.migrate()]);
      await replica.migrate();
    } finally {
      await replica.close();
      await twin.close();
    }

    const tables = await admin<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = ${raceSchema} order by table_name`;
    expect(tables.map((t) => t.table_name)).toEqual([
      "__drizzle_migrations",
      "audit_logs",
      "budgets",
      "deleted_virtual_keys",
      "end_users",
      "gateway_settings",
      "organization_memberships",
      "organizations",
      "proxy_models",
      "semantic_cache_entries",
      "spend_logs",
      "spend_logs_rejected",
      "team_memberships",
      "teams",
      "users",
      "virtual_keys",
    ]);
    const applied = await admin`select hash from ${admin(raceSchema)}.__drizzle_migrations`;
    expect(applied).toHaveLength(journalEntryCount());

    // Foreign keys point inside the schema, not at public.
    const foreignSchemas = await admin<{ schema: string }[]>`
      select distinct ref_ns.nspname as schema
      from pg_constraint c
      join pg_class ref on ref.oid = c.confrelid
      join pg_namespace ref_ns on ref_ns.oid = ref.relnamespace
      join pg_namespace ns on ns.oid = c.connamespace
      where c.contype = 'f' and ns.nspname = ${schema}`;
    expect(foreignSchemas).toEqual([{ schema }]);
  });

  it("inserts and selects across related tables", async () => {
    const [team] = await database.db
      .insert(teams)
      .values({ teamAlias: "platform", maxBudget: 50 })
      .returning();
    const [user] = await database.db
      .insert(users)
      .values({ id: "alice@example.com", userEmail: "alice@example.com" })
      .returning();
    await database.db
      .insert(teamMemberships)
      .values({ teamId: team!.id, userId: user!.id, role: "admin" });
    await database.db.insert(virtualKeys).values({
      tokenHash: "hash-of-sk-int",
      keyName: "sk-...wxyz",
      userId: user!.id,
      teamId: team!.id,
      expiresAt: new Date("2030-01-01T00:00:00Z"),
      metadata: { purpose: "integration test" },
    });
    await database.db.insert(spendLogs).values({
      requestId: "chatcmpl-int-1",
      callType: "acompletion",
      apiKeyHash: "hash-of-sk-int",
      spend: 0.000123,
      totalTokens: 42,
      startTime: new Date("2026-01-01T00:00:00Z"),
      endTime: new Date("2026-01-01T00:00:01Z"),
      model: "gpt-4o-mini",
      teamId: team!.id,
      userId: user!.id,
    });

    const keys = await database.db
      .select({
        keyName: virtualKeys.keyName,
        teamAlias: teams.teamAlias,
        role: teamMemberships.role,
      })
      .from(virtualKeys)
      .innerJoin(teams, eq(teams.id, virtualKeys.teamId))
      .innerJoin(
        teamMemberships,
        sql`${teamMemberships.teamId} = ${virtualKeys.teamId} and ${teamMemberships.userId} = ${virtualKeys.userId}`,
      )
      .where(eq(virtualKeys.tokenHash, "hash-of-sk-int"));
    expect(keys).toEqual([{ keyName: "sk-...wxyz", teamAlias: "platform", role: "admin" }]);

    const [key] = await database.db
      .select()
      .from(virtualKeys)
      .where(eq(virtualKeys.tokenHash, "hash-of-sk-int"));
    expect(key?.expiresAt?.toISOString()).toBe("2030-01-01T00:00:00.000Z");
    expect(key?.metadata).toEqual({ purpose: "integration test" });

    const [log] = await database.db
      .select()
      .from(spendLogs)
      .where(eq(spendLogs.requestId, "chatcmpl-int-1"));
    expect(log).toMatchObject({ spend: 0.000123, totalTokens: 42, teamId: team!.id });

    const counted = await executeRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from ${spendLogs}`,
    );
    expect(counted).toEqual([{ n: 1 }]);
  });

  it("keeps each schema's rows to itself", async () => {
    await other.db.insert(teams).values({ id: "only-in-other" });
    expect(await other.db.select({ id: teams.id }).from(teams)).toEqual([{ id: "only-in-other" }]);
    const mine = await database.db
      .select({ id: teams.id })
      .from(teams)
      .where(eq(teams.id, "only-in-other"));
    expect(mine).toEqual([]);
  });
});
