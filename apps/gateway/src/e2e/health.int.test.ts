import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../config/index.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway } from "../testing/start-test-gateway.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");

describe.skipIf(!databaseUrl)("readiness on a real PostgreSQL", () => {
  const schema = `gw_test_${randomBytes(4).toString("hex")}`;
  afterAll(async () => {
    const sql = postgres(databaseUrl!, { max: 1 });
    await sql.unsafe(`drop schema if exists "${schema}" cascade`);
    await sql.end();
  });

  it("migrates and answers readiness", async () => {
    const gateway = await startTestGateway({
      config: defaultConfig(),
      databaseUrl,
      env: { DATABASE_SCHEMA: schema },
    });
    try {
      const res = await fetch(`${gateway.url}/health/readiness`, {
        headers: { authorization: `Bearer ${gateway.masterKey}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        status: "healthy",
        db: "connected",
        database: "postgres",
      });
      const sql = postgres(databaseUrl!, { max: 1 });
      const tables =
        await sql`select table_name from information_schema.tables where table_schema = ${schema}`;
      await sql.end();
      expect(tables.map((t) => t.table_name)).toContain("spend_logs");
    } finally {
      await gateway.close();
    }
  });
});
