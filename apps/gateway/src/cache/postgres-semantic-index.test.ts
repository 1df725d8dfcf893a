import { PostgresSemanticIndex, type CacheLogger } from "@org/cache";
import { base, describeVectorIndex, vectorAt } from "@org/cache/testing";
import { createDb, type Database } from "@org/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `postgres-semantic` on the embedded database (PGlite, the zero-setup mode), through @org/db's
// real migrations: the index lives in @org/cache, which depends on no driver, so its tests over
// a real database live here, where both packages are. The real PostgreSQL runs in the
// `.int.test.ts` beside this file.

let database: Database;
beforeAll(async () => {
  database = await createDb({});
  await database.migrate();
}, 120_000);
afterAll(async () => {
  await database?.close();
});

// PGlite ships pgvector: by default the database ranks the vectors; the other mode (the
// in-process index kept in step, as on a PostgreSQL without pgvector) runs the same contract.
describeVectorIndex("PostgresSemanticIndex on PGlite with pgvector", async () => {
  const index = await PostgresSemanticIndex.open({ sql: database.raw });
  expect(index.usesVectorExtension).toBe(true);
  return index;
});
describeVectorIndex("PostgresSemanticIndex on PGlite, in-process index kept in step", () =>
  PostgresSemanticIndex.open({ sql: database.raw, useVectorExtension: false }),
);

/** The in-process mode, whose instances keep their own index in step with the table. */
const openSynced = (options: Partial<Parameters<typeof PostgresSemanticIndex.open>[0]> = {}) =>
  PostgresSemanticIndex.open({ sql: database.raw, useVectorExtension: false, ...options });

function recordingLogger() {
  const lines: { message: string; fields?: Record<string, unknown> }[] = [];
  const logger: CacheLogger = {
    warn: (message, fields) => lines.push({ message, fields }),
    error: (message, fields) => lines.push({ message, fields }),
  };
  return { lines, logger };
}

describe("PostgresSemanticIndex on PGlite", () => {
  it("serves the answer kept in the row, and an index opened later loads the table", async () => {
    const first = await openSynced();
    await first.add({
      partition: "load",
      key: "k1",
      vector: base(0),
      expiresAt: Infinity,
      body: "answer-1",
    });
    const later = await openSynced();
    const match = await later.nearest("load", vectorAt(0.97), 0.95, Date.now());
    expect(match).toMatchObject({ key: "k1", body: "answer-1" });
    expect(match?.similarity).toBeCloseTo(0.97, 4);
    await Promise.all([first.close(), later.close()]);
  });

  it("with pgvector the database ranks: another instance finds a new entry at once, through an HNSW index", async () => {
    const a = await PostgresSemanticIndex.open({ sql: database.raw });
    const b = await PostgresSemanticIndex.open({ sql: database.raw, pollIntervalMs: 3_600_000 });
    await a.add({ partition: "pgv", key: "v", vector: base(7), expiresAt: Infinity, body: "V" });
    // No notification, no catch-up: b reads the rows themselves.
    const match = await b.nearest("pgv", vectorAt(0.97, 7, 8), 0.95, Date.now());
    expect(match).toMatchObject({ key: "v", body: "V" });
    expect(match?.similarity).toBeCloseTo(0.97, 4);
    expect(b.size()).toBe(0);
    await expect
      .poll(async () =>
        (
          await database.raw.query<{ indexname: string }>(
            `select indexname from pg_indexes where tablename = 'semantic_cache_entries'`,
          )
        ).map((row) => row.indexname),
      )
      .toContain("semantic_cache_entries_hnsw_16");
    await Promise.all([a.close(), b.close()]);
  });

  it("an entry added on one instance reaches another already running (NOTIFY)", async () => {
    const a = await openSynced({ pollIntervalMs: 3_600_000 });
    const b = await openSynced({ pollIntervalMs: 3_600_000 });
    expect(await b.nearest("notify", base(2), 0.95, Date.now())).toBeUndefined();
    await a.add({ partition: "notify", key: "n", vector: base(2), expiresAt: Infinity, body: "x" });
    await expect
      .poll(() => b.nearest("notify", base(2), 0.95, Date.now()))
      .toMatchObject({
        key: "n",
        body: "x",
      });
    await Promise.all([a.close(), b.close()]);
  });

  it("never serves an expired row, even while another instance's index still holds it", async () => {
    const now = Date.now();
    const a = await openSynced();
    const b = await openSynced();
    await a.add({
      partition: "exp",
      key: "e",
      vector: base(1),
      expiresAt: now + 60_000,
      body: "y",
    });
    await b.catchUp();
    expect(await b.nearest("exp", base(1), 0.95, now)).toMatchObject({ key: "e" });
    // The caller's clock says the entry is over: a miss, and the row is not read as live.
    expect(await b.nearest("exp", base(1), 0.95, now + 61_000)).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
  });

  it("a row deleted elsewhere is a miss here and leaves this index (removal reaches it lazily)", async () => {
    const a = await openSynced();
    const b = await openSynced();
    await a.add({ partition: "del", key: "d", vector: base(3), expiresAt: Infinity, body: "z" });
    await b.catchUp();
    const held = b.size();
    await a.remove("del", "d");
    expect(await b.nearest("del", base(3), 0.95, Date.now())).toBeUndefined();
    expect(b.size()).toBe(held - 1);
    await Promise.all([a.close(), b.close()]);
  });

  it("cleanup deletes expired rows and the oldest beyond maxEntries, in bounded batches", async () => {
    // Tests in a file run one after another: this one may empty the shared table.
    const fresh = database;
    await fresh.raw.query(`delete from semantic_cache_entries`);
    {
      let now = 1_000_000;
      const clock = { now: () => now };
      const index = await PostgresSemanticIndex.open({
        sql: fresh.raw,
        clock,
        maxEntries: 3,
        cleanupBatch: 2,
      });
      for (let i = 0; i < 5; i++)
        await index.add({ partition: "c", key: `live${i}`, vector: base(i), expiresAt: Infinity });
      await index.add({ partition: "c", key: "old", vector: base(6), expiresAt: now + 1000 });
      const count = async () =>
        Number((await fresh.raw.query(`select count(*) as n from semantic_cache_entries`))[0]!.n);
      expect(await count()).toBe(6);
      now += 2000;
      await index.cleanup(); // the expired row, and two of the surplus
      expect(await count()).toBe(3);
      await index.cleanup();
      expect(await count()).toBe(3);
      const keys = await fresh.raw.query<{ cache_key: string }>(
        `select cache_key from semantic_cache_entries order by id`,
      );
      expect(keys.map((r) => r.cache_key)).toEqual(["live2", "live3", "live4"]);
      await index.close();
    }
  });

  it("a database that fails is a miss and a skipped write, logged once per interval, never a rejection", async () => {
    const { lines, logger } = recordingLogger();
    let broken = false;
    const sql = {
      query: (text: string, params?: readonly unknown[]) =>
        broken ? Promise.reject(new Error("connection refused")) : database.raw.query(text, params),
      listen: database.raw.listen.bind(database.raw),
    } as typeof database.raw;
    const index = await PostgresSemanticIndex.open({ sql, logger, useVectorExtension: false });
    await index.add({
      partition: "down",
      key: "k",
      vector: base(4),
      expiresAt: Infinity,
      body: "b",
    });
    broken = true;
    await expect(
      index.add({ partition: "down", key: "k2", vector: base(5), expiresAt: Infinity }),
    ).resolves.toBeUndefined();
    // The local index still matches, but the answer cannot be read: a miss.
    await expect(index.nearest("down", base(4), 0.95, Date.now())).resolves.toBeUndefined();
    await expect(index.catchUp()).resolves.toBeUndefined();
    // Three failures, one line (the first); the rest wait for the next interval.
    const failures = lines.filter((line) => /could not/.test(line.message));
    expect(failures, JSON.stringify(lines)).toHaveLength(1);
    expect(failures[0]!.message).toMatch(/database could not store an entry/);
    // Back up: the entry is served again.
    broken = false;
    expect(await index.nearest("down", base(4), 0.95, Date.now())).toMatchObject({ body: "b" });
    await index.close();
  });

  it("with pgvector too, a database that fails is a miss, not a rejection", async () => {
    let broken = false;
    const sql = {
      query: (text: string, params?: readonly unknown[]) =>
        broken ? Promise.reject(new Error("connection refused")) : database.raw.query(text, params),
      listen: database.raw.listen.bind(database.raw),
    } as typeof database.raw;
    const index = await PostgresSemanticIndex.open({ sql });
    expect(index.usesVectorExtension).toBe(true);
    await index.add({
      partition: "down-v",
      key: "k",
      vector: base(9),
      expiresAt: Infinity,
      body: "b",
    });
    broken = true;
    await expect(index.nearest("down-v", base(9), 0.95, Date.now())).resolves.toBeUndefined();
    broken = false;
    expect(await index.nearest("down-v", base(9), 0.95, Date.now())).toMatchObject({ body: "b" });
    await index.close();
  });
});
