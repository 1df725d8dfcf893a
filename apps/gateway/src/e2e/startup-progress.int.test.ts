import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { integrationUrl } from "../testing/require-env.ts";
import { exited, spawnGateway } from "../testing/spawn-gateway.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");

describe.skipIf(!databaseUrl || !redisUrl)(
  "startup progress on PostgreSQL and Redis",
  { timeout: 240_000 },
  () => {
    const schema = `gw_progress_${randomBytes(4).toString("hex")}`;
    afterAll(async () => {
      const sql = postgres(databaseUrl!, { max: 1 });
      await sql.unsafe(`drop schema if exists "${schema}" cascade`);
      await sql.end();
    });

    it("names the database and Redis it connects to, without their passwords", async () => {
      const dataDir = await mkdtemp(join(tmpdir(), "gateway-progress-"));
      try {
        const g = await spawnGateway(["--port", "0", "--host", "127.0.0.1"], {
          GATEWAY_DATA_DIR: dataDir,
          DATABASE_URL: databaseUrl!,
          DATABASE_SCHEMA: schema,
          REDIS_URL: redisUrl!,
          LITELLM_MASTER_KEY: "sk-progress",
        });
        g.child.kill("SIGTERM");
        expect(await exited(g.child)).toBe(0);
        const messages = g
          .output()
          .split("\n")
          .filter((line) => line.startsWith("{"))
          .map((line) => String((JSON.parse(line) as { msg: unknown }).msg));
        const db = new URL(databaseUrl!);
        const redis = new URL(redisUrl!);
        const opening = `opening the PostgreSQL database at ${db.protocol}//${db.host}${db.pathname} (schema ${schema})`;
        const connecting = `connecting to Redis at ${redis.protocol}//${redis.host}${redis.pathname.length > 1 ? redis.pathname : ""}`;
        expect(messages).toContain(opening);
        expect(messages).toContain(connecting);
        expect(messages.indexOf(opening)).toBeLessThan(messages.indexOf(connecting));
        expect(
          messages.filter((m) => m.startsWith("applying database migration")).length,
        ).toBeGreaterThan(0);
        if (db.password) expect(g.output()).not.toContain(`:${db.password}@`);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  },
);
