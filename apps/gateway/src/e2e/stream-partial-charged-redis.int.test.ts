import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "@org/budgets";
import type { FakeServer } from "@org/testing";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";
import { manage } from "../testing/manage.ts";
import {
  partialModels,
  startDrippingUpstream,
  streamedRequest,
  wordsSeen,
} from "../testing/partial-stream.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");

// On PostgreSQL + Redis, a key with a budget and limits settles each request in one script that
// also appends its spend record (packages/budgets, redis-combined-admission.ts). Clients that
// hang up mid-stream, and streams read to the end, must each leave exactly one spend log, the
// key's running spend must be their sum, and the Redis ledger must hold nothing for them after.
describe.skipIf(!databaseUrl || !redisUrl)(
  "streams hung up on PostgreSQL + Redis are charged once (real PG + Redis)",
  () => {
    const id = randomBytes(4).toString("hex");
    const schema = `gw_partial_redis_${id}`;
    let upstream: FakeServer;
    let gateway: TestGateway;
    let sql: postgres.Sql;

    beforeAll(async () => {
      upstream = await startDrippingUpstream();
      gateway = await startTestGateway({
        config: { model_list: partialModels(upstream) },
        databaseUrl,
        env: { DATABASE_SCHEMA: schema, REDIS_URL: redisUrl },
        routerStateKeyPrefix: `test:partial-redis:${id}:router:`,
        budgetsKeyPrefix: `test:partial-redis:${id}:budgets:`,
      });
      sql = postgres(databaseUrl!, { max: 2, onnotice: () => {} });
    }, 60_000);

    afterAll(async () => {
      await gateway?.close();
      await upstream?.close();
      if (sql) {
        await sql.unsafe(`drop schema if exists "${schema}" cascade`);
        await sql.end();
      }
      if (redisUrl) await dropRedisPrefix(redisUrl, `test:partial-redis:${id}:`);
    });

    const post = (key: string, body: unknown, signal?: AbortSignal) =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });

    /** Streams and hangs up after `words` words, or reads to the end when `words` is undefined. */
    async function stream(key: string, words?: number) {
      const { body } = streamedRequest("chat", "partial", "tell me a long story");
      const controller = new AbortController();
      const res = await post(key, body, controller.signal);
      expect(res.status).toBe(200);
      const callId = res.headers.get("x-litellm-call-id")!;
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      for (;;) {
        if (words !== undefined && wordsSeen(text) >= words) break;
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      if (words !== undefined) {
        controller.abort();
        await reader.cancel().catch(() => undefined);
      }
      return callId;
    }

    it("each request one spend log, the key's spend their sum, no hold left", async () => {
      const { key } = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
        max_budget: 100,
        rpm_limit: 1000,
        tpm_limit: 10_000_000,
        max_parallel_requests: 10,
      });
      const ids = [
        await stream(key, 2),
        await stream(key),
        await stream(key, 4),
        await stream(key, 1),
        await stream(key),
      ];
      const rowsOf = async () =>
        sql.unsafe<{ request_id: string; spend: string; status: string }[]>(
          `select request_id, spend::text, status from "${schema}".spend_logs where api_key_hash = $1`,
          [hashKey(key)],
        );
      let rows = await rowsOf();
      for (let i = 0; i < 100 && rows.length < ids.length; i++) {
        await gateway.gateway.budgets.flushSpendNow();
        await new Promise((resolve) => setTimeout(resolve, 50));
        rows = await rowsOf();
      }
      expect(rows.map((r) => r.request_id).sort()).toEqual([...ids].sort());
      for (const row of rows) expect(Number(row.spend)).toBeGreaterThan(0);
      expect(rows.filter((r) => r.status === "failure")).toHaveLength(3); // the three hang-ups
      const total = rows.reduce((sum, r) => sum + Number(r.spend), 0);
      const [keyRow] = await sql.unsafe<{ spend: string }[]>(
        `select spend::text from "${schema}".virtual_keys where token_hash = $1`,
        [hashKey(key)],
      );
      expect(Number(keyRow!.spend)).toBeCloseTo(total, 10);
      // The Redis ledger agrees, and holds nothing for requests that are over.
      const info = await manage<{ info: { spend: number } }>(
        gateway,
        gateway.masterKey,
        `/key/info?key=${encodeURIComponent(key)}`,
      );
      expect(info.info.spend).toBeCloseTo(total, 10);
      const redis = new Redis(redisUrl!);
      try {
        const lines = await redis.keys(`test:partial-redis:${id}:budgets:ledger:b:*`);
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) expect(Number(await redis.hget(line, "r"))).toBe(0);
        // Every record left the spend stream once written.
        expect(await redis.xlen(`test:partial-redis:${id}:budgets:spend`)).toBe(0);
      } finally {
        redis.disconnect();
      }
    }, 60_000);
  },
);
