import { randomUUID } from "node:crypto";
import { PostgresSemanticIndex } from "@org/cache";
import { base, describeVectorIndex, vectorAt } from "@org/cache/testing";
import { createDb, type Database } from "@org/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { integrationUrl } from "../testing/require-env.ts";

// `postgres-semantic` on a real PostgreSQL (TEST_DATABASE_URL), without pgvector (Debian's
// PostgreSQL 15 has none): the table plus each instance's own index kept in step by
// LISTEN/NOTIFY. Two pools on one fresh schema stand for two gateway instances.
const url = integrationUrl("TEST_DATABASE_URL");
const schema = `semcache_${randomUUID().replaceAll("-", "").slice(0, 12)}`;

describe.skipIf(url === undefined)("PostgresSemanticIndex on PostgreSQL", () => {
  let first: Database;
  let second: Database;
  beforeAll(async () => {
    first = await createDb({ url: url!, schema, max: 4 });
    await first.migrate();
    second = await createDb({ url: url!, schema, max: 4 });
  }, 60_000);
  afterAll(async () => {
    await first?.raw.query(`drop schema if exists "${schema}" cascade`);
    await Promise.all([first?.close(), second?.close()]);
  });

  describeVectorIndex("PostgresSemanticIndex on PostgreSQL", () =>
    PostgresSemanticIndex.open({ sql: first.raw }),
  );

  it("an answer stored through one connection pool is a semantic hit through the other", async () => {
    const a = await PostgresSemanticIndex.open({ sql: first.raw, pollIntervalMs: 3_600_000 });
    const b = await PostgresSemanticIndex.open({ sql: second.raw, pollIntervalMs: 3_600_000 });
    await a.add({ partition: "two", key: "k", vector: base(0), expiresAt: Infinity, body: "A" });
    // Delivered by NOTIFY alone: polling is an hour away.
    await expect
      .poll(() => b.nearest("two", vectorAt(0.97), 0.95, Date.now()))
      .toMatchObject({ key: "k", body: "A" });
    // A replacement reaches it too, and the older version never comes back.
    await a.add({ partition: "two", key: "k", vector: base(4), expiresAt: Infinity, body: "A2" });
    await expect
      .poll(() => b.nearest("two", base(4), 0.95, Date.now()))
      .toMatchObject({
        body: "A2",
      });
    expect(await b.nearest("two", base(0), 0.95, Date.now())).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
  });

  it("rows written while an instance was not listening are read at its next catch-up", async () => {
    const a = await PostgresSemanticIndex.open({ sql: first.raw });
    const deaf = {
      query: second.raw.query.bind(second.raw),
      listen: () => Promise.reject(new Error("no LISTEN")),
    };
    const b = await PostgresSemanticIndex.open({ sql: deaf, pollIntervalMs: 3_600_000 });
    for (let i = 0; i < 3; i++)
      await a.add({
        partition: "missed",
        key: `m${i}`,
        vector: base(i),
        expiresAt: Infinity,
        body: `${i}`,
      });
    expect(await b.nearest("missed", base(2), 0.95, Date.now())).toBeUndefined();
    await b.catchUp();
    expect(await b.nearest("missed", base(2), 0.95, Date.now())).toMatchObject({ body: "2" });
    await Promise.all([a.close(), b.close()]);
  });

  it("notifications stay in their schema: another schema's index on the same database hears none", async () => {
    const a = await PostgresSemanticIndex.open({ sql: first.raw });
    const otherSchema = `${schema}_other`;
    const other = await createDb({ url: url!, schema: otherSchema, max: 2 });
    try {
      await other.migrate();
      const b = await PostgresSemanticIndex.open({ sql: other.raw });
      expect(b.channel).not.toBe(a.channel);
      await b.close();
    } finally {
      await other.raw.query(`drop schema if exists "${otherSchema}" cascade`);
      await other.close();
      await a.close();
    }
  });
});
