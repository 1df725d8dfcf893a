import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "@org/budgets";
import { DEFAULT_ESTIMATE_OUTPUT_TOKENS, type ChatCompletionRequest } from "@org/core";
import {
  delay,
  json,
  openaiCompletion,
  openaiUsage,
  routes,
  startFakeServer,
  type FakeServer,
} from "@org/testing";
import { countRequestTokens } from "../catalog/count-request-tokens.ts";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");

// A hostile tester's finding: a model with a custom price, no catalog entry and no known output
// limit reserved 0, so 100 concurrent requests against a key with budget for ~5 answers let 28-48
// through on one instance and all 100 across three. The request sets no max_tokens either. The
// gateway now reserves the best bound it knows; here nothing is known, so the documented default
// (DEFAULT_ESTIMATE_OUTPUT_TOKENS = 4096 output tokens, budgets README "Budgets that hold").
// The fake upstream answers exactly that many output tokens, so every answer costs its bound B
// and a budget of 4.5 B serves exactly 5: the 5th is admitted at 4 B held < 4.5 B, the 6th
// refused at 5 B. The promise: served cost < max_budget + B.
const INPUT = 1e-6;
const OUTPUT = 2e-6;

describe.skipIf(!databaseUrl || !redisUrl)(
  "budgets hold for a custom-priced model with no output limit (real PG + Redis)",
  () => {
    const id = randomBytes(4).toString("hex");
    const schema = `gw_budget_unbounded_${id}`;
    const budgetsPrefix = `test:budget-unbounded:${id}:budgets:`;
    const routerPrefix = `test:budget-unbounded:${id}:router:`;
    const CONCURRENCY = 100;
    const request = {
      model: "house",
      messages: [{ role: "user" as const, content: "How long can an answer be?" }],
    };
    const B = countRequestTokens(request) * INPUT + DEFAULT_ESTIMATE_OUTPUT_TOKENS * OUTPUT;
    let upstream: FakeServer;
    let sql: postgres.Sql;
    let a: TestGateway;
    let b: TestGateway;

    beforeAll(async () => {
      upstream = await startFakeServer(
        routes({
          // Long enough that all 100 requests are in flight together.
          "POST /v1/chat/completions": delay(300, (req) => {
            const body = req.json as ChatCompletionRequest;
            expect(body.max_tokens ?? body.max_completion_tokens).toBeUndefined();
            const usage = openaiUsage(
              countRequestTokens({ ...body, model: "house" }),
              DEFAULT_ESTIMATE_OUTPUT_TOKENS,
            );
            return json(openaiCompletion({ content: "a long answer", usage, model: body.model }));
          }),
        }),
      );
      const start = () =>
        startTestGateway({
          config: {
            model_list: [
              {
                model_name: "house",
                litellm_params: {
                  // Not in the catalog: no output limit anywhere, only a custom price.
                  model: "openai/house-model-without-catalog-entry",
                  api_key: "sk-upstream",
                  api_base: `${upstream.url}/v1`,
                  input_cost_per_token: INPUT,
                  output_cost_per_token: OUTPUT,
                },
              },
            ],
          },
          databaseUrl,
          env: { DATABASE_SCHEMA: schema, REDIS_URL: redisUrl },
          routerStateKeyPrefix: routerPrefix,
          budgetsKeyPrefix: budgetsPrefix,
        });
      a = await start();
      b = await start();
      sql = postgres(databaseUrl!, { max: 2, onnotice: () => {} });
    }, 60_000);

    afterAll(async () => {
      await a?.close();
      await b?.close();
      await upstream?.close();
      if (sql) {
        await sql.unsafe(`drop schema if exists "${schema}" cascade`);
        await sql.end();
      }
      if (redisUrl) await dropRedisPrefix(redisUrl, `test:budget-unbounded:${id}:`);
    });

    async function assertHeld(instances: TestGateway[], maxBudget: number, allowed: number) {
      const res = await fetch(`${a.url}/key/generate`, {
        method: "POST",
        headers: { authorization: `Bearer ${a.masterKey}`, "content-type": "application/json" },
        body: JSON.stringify({ max_budget: maxBudget }),
      });
      const { key } = (await res.json()) as { key: string };
      expect(res.status).toBe(200);

      const clients = instances.map(
        (g) => new OpenAI({ baseURL: g.baseURL, apiKey: key, maxRetries: 0, timeout: 60_000 }),
      );
      const calls = upstream.callCount("/v1/chat/completions");
      const outcomes = await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, i) =>
          clients[i % clients.length]!.chat.completions.create(request).then(
            (completion) => ({ ok: true as const, completion }),
            (error: unknown) => {
              if (!(error instanceof OpenAI.APIError)) throw error;
              return { ok: false as const, status: error.status, error: error.error };
            },
          ),
        ),
      );
      const served = outcomes.flatMap((o) => (o.ok ? [o.completion] : []));
      const refused = outcomes.flatMap((o) => (o.ok ? [] : [o]));
      const costOf = (c: OpenAI.ChatCompletion) =>
        c.usage!.prompt_tokens * INPUT + c.usage!.completion_tokens * OUTPUT;
      const servedCost = served.reduce((sum, c) => sum + costOf(c), 0);

      for (const c of served) expect(costOf(c)).toBeCloseTo(B, 12);
      expect(servedCost).toBeLessThan(maxBudget + B);
      expect(served).toHaveLength(allowed);
      for (const r of refused) {
        expect(r.status).toBe(400);
        expect(r.error).toMatchObject({ type: "budget_exceeded" });
      }
      expect(upstream.callCount("/v1/chat/completions") - calls).toBe(served.length);

      // Every instance of the deployment, not only those that served: the instances share one
      // spend stream, and an idle one's timer may be writing a batch it took from it (records
      // the other's flush no longer sees); its flush waits for that batch.
      for (const g of [a, b]) await g.gateway.budgets.flushSpendNow();
      const info = await fetch(`${a.url}/key/info?key=${encodeURIComponent(key)}`, {
        headers: { authorization: `Bearer ${a.masterKey}` },
      });
      const { info: keyInfo } = (await info.json()) as { info: { spend: number } };
      expect(keyInfo.spend).toBeCloseTo(servedCost, 12);
      const [logs] = await sql.unsafe<{ n: number; total: string }[]>(
        `select count(*)::int as n, coalesce(sum(spend), 0)::text as total
           from "${schema}".spend_logs where api_key_hash = $1 and spend > 0`,
        [hashKey(key)],
      );
      expect(logs!.n).toBe(served.length);
      expect(Number(logs!.total)).toBeCloseTo(servedCost, 12);
      expect(Number(logs!.total)).toBeCloseTo(keyInfo.spend, 12);
    }

    it("one instance: 100 concurrent requests against a budget for 4.5 bounds serve 5", async () => {
      await assertHeld([a], 4.5 * B, 5);
    }, 60_000);

    it("two instances sharing Redis and Postgres: still 5 in total", async () => {
      await assertHeld([a, b], 4.5 * B, 5);
    }, 60_000);

    it("a bound above what is left still runs once, holding the rest: 1 of 100 served", async () => {
      // Budget for half an answer: the first request admitted holds all that is left, and every
      // concurrent one, on either instance, is refused until it settles. Overspend < B.
      await assertHeld([a, b], 0.5 * B, 1);
    }, 60_000);
  },
);
