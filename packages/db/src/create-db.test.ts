import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "./create-db.ts";
import type { Database } from "./database.ts";
import type { DbClient } from "./db-client.ts";
import { executeRows } from "./execute-rows.ts";
import { spendLogs, teams, virtualKeys } from "./schema/index.ts";
import { journalEntryCount } from "./__fixtures__/journal-entries.ts";

// PGlite boots a WebAssembly Postgres per instance: allow more than vitest's 5 s default.
const SLOW = 60_000;

async function tableNamesIn(db: DbClient, schema: string): Promise<string[]> {
  const rows = await executeRows<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.tables where table_schema = ${schema} order by table_name`,
  );
  return rows.map((row) => row.table_name);
}

describe("createDb with in-memory PGlite", { timeout: SLOW }, () => {
  let database: Database;

  beforeAll(async () => {
    database = await createDb({});
    await database.migrate();
  }, SLOW);
  afterAll(() => database?.close());

  it("opens PGlite when no url is given and answers ping", async () => {
    expect(database.kind).toBe("pglite");
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it("creates every table, and migrating again changes nothing", async () => {
    const before = await tableNamesIn(database.db, "public");
    expect(before).toEqual([
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
    await database.migrate();
    await Promise.all([database.migrate(), database.migrate()]);
    expect(await tableNamesIn(database.db, "public")).toEqual(before);
    const applied = await executeRows<{ count: number }>(
      database.db,
      sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
    );
    expect(applied).toEqual([{ count: journalEntryCount() }]);
  });

  it("inserts and reads back a team and its key with database defaults", async () => {
    const [team] = await database.db.insert(teams).values({ teamAlias: "search" }).returning();
    expect(team?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(team?.spend).toBe(0);
    expect(team?.models).toEqual([]);
    expect(team?.createdAt).toBeInstanceOf(Date);

    await database.db.insert(virtualKeys).values({
      tokenHash: "hash-of-sk-1",
      keyName: "sk-...abcd",
      teamId: team!.id,
      models: ["gpt-4o-mini"],
      maxBudget: 12.5,
    });
    const keys = await database.db
      .select()
      .from(virtualKeys)
      .where(eq(virtualKeys.tokenHash, "hash-of-sk-1"));
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({
      keyName: "sk-...abcd",
      teamId: team!.id,
      models: ["gpt-4o-mini"],
      maxBudget: 12.5,
      spend: 0,
      blocked: false,
      metadata: {},
    });

    // LiteLLM semantics: deleting a team deletes its keys.
    await database.db.delete(teams).where(eq(teams.id, team!.id));
    const left = await database.db
      .select()
      .from(virtualKeys)
      .where(eq(virtualKeys.teamId, team!.id));
    expect(left).toEqual([]);
  });

  it("rejects a second key with the same token hash", async () => {
    await database.db.insert(virtualKeys).values({ tokenHash: "hash-dup" });
    await expect(
      database.db.insert(virtualKeys).values({ tokenHash: "hash-dup" }),
    ).rejects.toThrow();
  });

  it("stores spend as exact numeric, so sums of tiny costs do not drift", async () => {
    const start = new Date("2026-01-01T00:00:00Z");
    const rows = Array.from({ length: 10 }, (_, i) => ({
      requestId: `req-${i}`,
      callType: "acompletion",
      apiKeyHash: "hash-of-sk-2",
      spend: 0.1,
      promptTokens: 10,
      completionTokens: 5,
      totalTokens: 15,
      startTime: start,
      endTime: new Date(start.getTime() + 1000),
      model: "gpt-4o-mini",
      metadata: { route: "/v1/chat/completions" },
    }));
    await database.db.insert(spendLogs).values(rows);

    const [total] = await database.db
      .select({ spend: sql<string>`sum(${spendLogs.spend})::text` })
      .from(spendLogs)
      .where(eq(spendLogs.apiKeyHash, "hash-of-sk-2"));
    // Ten float additions of 0.1 give 0.9999999999999999; numeric gives exactly 1.
    expect(total?.spend).toBe("1.0000000000");

    const [first] = await database.db
      .select()
      .from(spendLogs)
      .where(eq(spendLogs.requestId, "req-0"));
    expect(first).toMatchObject({
      spend: 0.1,
      cacheHit: false,
      status: "success",
      requestTags: [],
    });
    expect(first?.startTime.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(first?.metadata).toEqual({ route: "/v1/chat/completions" });
  });

  it("close() can be called twice", async () => {
    const other = await createDb({ dataDir: "memory://" });
    await other.close();
    await expect(other.close()).resolves.toBeUndefined();
  });
});

describe("createDb with PGlite and a schema", { timeout: SLOW }, () => {
  it("puts tables and migration history in that schema only", async () => {
    const database = await createDb({ schema: "tenant_a" });
    try {
      await database.migrate();
      await database.migrate();
      expect(await tableNamesIn(database.db, "tenant_a")).toContain("virtual_keys");
      expect(await tableNamesIn(database.db, "tenant_a")).toContain("__drizzle_migrations");
      expect(await tableNamesIn(database.db, "public")).toEqual([]);
      await database.db.insert(teams).values({ id: "team-1" });
      await database.db.insert(virtualKeys).values({ tokenHash: "h", teamId: "team-1" });
      expect(await database.db.select().from(virtualKeys)).toHaveLength(1);
    } finally {
      await database.close();
    }
  });
});

describe("createDb with PGlite on disk", { timeout: SLOW }, () => {
  let tempDir: string;

  beforeAll(async () => {
    tempDir = await mkdtemp(join(tmpdir(), "org-db-"));
  });
  afterAll(() => rm(tempDir, { recursive: true, force: true }));

  // initdb runs in a child process (init-pglite-data-dir.ts): a node start more than in-process.
  it(
    "creates the data directory and keeps data across close and reopen",
    { timeout: 2 * SLOW },
    async () => {
      // A nested directory that does not exist yet.
      const dataDir = join(tempDir, "nested", "pglite");

      const first = await createDb({ dataDir });
      await first.migrate();
      await first.migrate();
      await first.ping();
      await first.db
        .insert(teams)
        .values({ id: "team-disk", teamAlias: "persisted", maxBudget: 100 });
      await first.close();

      const second = await createDb({ dataDir });
      try {
        expect(second.kind).toBe("pglite");
        await second.migrate();
        await second.ping();
        const rows = await second.db.select().from(teams).where(eq(teams.id, "team-disk"));
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ teamAlias: "persisted", maxBudget: 100 });
      } finally {
        await second.close();
      }
    },
  );
});

describe("createDb options", () => {
  it("rejects an invalid pool size", async () => {
    await expect(createDb({ url: "postgres://localhost/x", max: 0 })).rejects.toThrow(/max/);
  });

  it("rejects a schema name that is not a plain identifier", async () => {
    await expect(createDb({ schema: 'x"; drop table users; --' })).rejects.toThrow(/schema name/);
  });

  it("with an unreachable server, ping rejects and close still resolves", async () => {
    // Port 1 on loopback refuses connections; no schema, so createDb itself does not connect.
    const database = await createDb({ url: "postgres://nobody:secret@127.0.0.1:1/none", max: 1 });
    expect(database.kind).toBe("postgres");
    await expect(database.ping()).rejects.toThrow();
    await expect(database.close()).resolves.toBeUndefined();
  });
});
