import { randomBytes } from "node:crypto";
import { createDb, type Database } from "@org/db";
import { testServices } from "@org/testing";
import { sql } from "drizzle-orm";
import type { Redis } from "ioredis";
import { expect, it } from "vitest";

/**
 * The URL of a real Redis / PostgreSQL for `*.int.test.ts`, or undefined to skip. Under CI a
 * missing URL fails instead: the integration tests must run there.
 */
export function integrationUrl(name: "TEST_REDIS_URL" | "TEST_DATABASE_URL"): string | undefined {
  const services = testServices();
  const url = name === "TEST_REDIS_URL" ? services.redisUrl : services.databaseUrl;
  if (!url && services.required) {
    it(`has ${name} (required when CI is set)`, () => {
      expect.fail(`${name} is not set, so these integration tests cannot run in CI`);
    });
  }
  return url;
}

export const uniquePrefix = (name: string) => `test:budgets:${name}:${randomBytes(6).toString("hex")}:`;

/** Deletes every key under a prefix. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}

/** A migrated database in a new schema of its own; `drop()` removes the schema. */
export async function freshDatabase(url: string): Promise<{ database: Database; drop(): Promise<void> }> {
  const schema = `test_budgets_${randomBytes(6).toString("hex")}`;
  const database = await createDb({ url, schema, max: 4 });
  await database.migrate();
  return {
    database,
    async drop() {
      try {
        await database.db.execute(sql.raw(`drop schema if exists "${schema}" cascade`));
      } finally {
        await database.close();
      }
    },
  };
}
