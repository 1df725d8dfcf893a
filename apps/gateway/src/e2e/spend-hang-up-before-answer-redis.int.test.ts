import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  delay,
  json,
  openaiChunks,
  openaiCompletion,
  routes,
  sse,
  startFakeServer,
  type FakeServer,
  type RecordedRequest,
} from "@org/testing";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";
import { manage } from "../testing/manage.ts";
import { streamedRequest, type InferenceRoute } from "../testing/partial-stream.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");

const PRICE = 0.001;

// spend-hang-up-before-answer.test.ts on PostgreSQL + Redis, with a key budget: the key's hold is
// settled (in the combined Redis script) with the prompt's cost, which reaches the key's spend
// and its one spend log, and the ledger holds nothing for the request after.
describe.skipIf(!databaseUrl || !redisUrl)(
  "a client that hangs up before the answer is charged for its prompt (real PG + Redis)",
  () => {
    const id = randomBytes(4).toString("hex");
    const schema = `gw_hang_up_${id}`;
    let upstream: FakeServer;
    let gateway: TestGateway;
    let sql: postgres.Sql;

    beforeAll(async () => {
      const answer = (req: RecordedRequest) => {
        const body = req.json as { model: string; stream?: boolean };
        if (body.stream === true) return sse(openaiChunks({ content: ["late"] }));
        return json(openaiCompletion({ content: "late", model: body.model }));
      };
      upstream = await startFakeServer(
        routes({ "POST /v1/chat/completions": delay(1_500, answer) }),
      );
      gateway = await startTestGateway({
        config: {
          model_list: [
            {
              model_name: "slow",
              litellm_params: {
                model: "openai/gpt-4o",
                api_key: "sk-up",
                api_base: `${upstream.url}/v1`,
                input_cost_per_token: PRICE,
                output_cost_per_token: PRICE,
              },
            },
          ],
        },
        databaseUrl,
        env: { DATABASE_SCHEMA: schema, REDIS_URL: redisUrl },
        routerStateKeyPrefix: `test:hang-up:${id}:router:`,
        budgetsKeyPrefix: `test:hang-up:${id}:budgets:`,
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
      if (redisUrl) await dropRedisPrefix(redisUrl, `test:hang-up:${id}:`);
    });

    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it.each([
      { route: "chat" as InferenceRoute, stream: false },
      { route: "messages" as InferenceRoute, stream: true },
    ])("$route, stream $stream", async ({ route, stream }) => {
      const key = (
        await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
          max_budget: 10,
        })
      ).key;
      const { path, body } = streamedRequest(route, "slow", "a long prompt, ".repeat(50));
      const before = upstream.callCount();
      const controller = new AbortController();
      const pending = fetch(`${gateway.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ ...body, stream }),
        signal: controller.signal,
      }).catch((error: unknown) => error);
      for (let i = 0; i < 100 && upstream.callCount() === before; i++) await sleep(10);
      expect(upstream.callCount()).toBe(before + 1);
      controller.abort();
      expect(await pending).toMatchObject({ name: "AbortError" });

      type Info = { info: { token: string; spend: number } };
      let rows: { spend: number; prompt_tokens: number; status: string }[] = [];
      let info: Info | undefined;
      for (let i = 0; i < 100; i++) {
        await gateway.gateway.budgets.flushSpendNow();
        info = await manage<Info>(gateway, gateway.masterKey, `/key/info?key=${key}`);
        rows = await manage(gateway, gateway.masterKey, `/spend/logs?api_key=${info.info.token}`);
        if (rows.length > 0 && info.info.spend > 0) break;
        await sleep(50);
      }
      expect(rows).toHaveLength(1);
      expect(rows[0]!.status).toBe("failure");
      expect(rows[0]!.prompt_tokens).toBeGreaterThan(50);
      expect(rows[0]!.spend).toBeCloseTo(rows[0]!.prompt_tokens * PRICE, 10);
      expect(info!.info.spend).toBeCloseTo(rows[0]!.spend, 10);
    });
  },
);
