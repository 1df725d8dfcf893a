import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeClock } from "@org/budgets";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";
import { manage } from "../testing/manage.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { gpt4oAtFixedPrice } from "../testing/priced-upstream.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");

// Two instances on one PostgreSQL and one Redis whose clocks are three minutes apart: a key's
// "1m" budget window is a different one on each (B's ends at 12:01, A's at 12:04). The one behind
// counts in the window the one ahead opened; taking the line back to its own window (and A
// forward again, each from the seed) admitted request after request past the budget.
describe.skipIf(!databaseUrl || !redisUrl)(
  "a budget window on instances whose clocks are minutes apart",
  () => {
    const id = randomBytes(4).toString("hex");
    const schema = `gw_skew_${id}`;
    const start = Date.UTC(2026, 10, 26, 12, 0, 0);
    let upstream: FakeServer;
    let a: TestGateway;
    let b: TestGateway;

    beforeAll(async () => {
      upstream = await startFakeOpenAI();
      const gateway = (now: number) =>
        startTestGateway({
          config: {
            model_list: [gpt4oAtFixedPrice(upstream)],
          },
          databaseUrl,
          env: { DATABASE_SCHEMA: schema, REDIS_URL: redisUrl },
          routerStateKeyPrefix: `test:skew:${id}:router:`,
          budgetsKeyPrefix: `test:skew:${id}:budgets:`,
          clock: createFakeClock(now),
        });
      // One after the other: both migrate the same schema.
      a = await gateway(start + 3 * 60_000);
      b = await gateway(start);
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await upstream?.close();
      if (redisUrl) await dropRedisPrefix(redisUrl, `test:skew:${id}:`);
      if (databaseUrl) {
        const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
        await sql.unsafe(`drop schema if exists "${schema}" cascade`);
        await sql.end();
      }
    });

    it("both count in one window and refuse once the budget is spent", async () => {
      // Made through B: its reset time is 12:01 by B's clock, which A has passed.
      const { key } = await manage<{ key: string }>(b, b.masterKey, "/key/generate", {
        max_budget: 0.03,
        budget_duration: "1m",
      });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await fetch(`${(i % 2 === 0 ? a : b).baseURL}/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({
            model: "gpt-4o",
            max_tokens: 10,
            messages: [{ role: "user", content: "hi" }],
          }),
        });
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      // Each costs 0.003: ten fit in 0.03 (the last one admitted may take it just past).
      const admitted = statuses.filter((s) => s === 200).length;
      expect(admitted, statuses.join(",")).toBeGreaterThanOrEqual(9);
      expect(admitted, statuses.join(",")).toBeLessThanOrEqual(11);
      expect(statuses.slice(12)).toEqual(Array.from({ length: 18 }, () => 400));
    });
  },
);
