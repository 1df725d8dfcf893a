import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "@org/budgets";
import type { FakeServer } from "@org/testing";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";
import {
  estimatedCost,
  INPUT_COST_PER_TOKEN,
  OUTPUT_COST_PER_TOKEN,
  pricedModel,
  pricedRequest,
  startPricedUpstream,
} from "../testing/priced-upstream.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");

// The promise of issue 13: check-then-spend lets 100 concurrent requests all pass at $0.99 of $1;
// a reservation taken atomically before the call does not. "Estimate" here is what the gateway
// holds before the call: the prompt tokens it counts plus `max_tokens` of output, at the
// deployment's prices. The fake upstream reports exactly that usage, so each request costs
// C = its estimate and the estimate error is 0. The bound the ledger promises is then
//   sum of served costs < max_budget + C
// (the last request admitted saw less than max_budget held or spent, and adds at most C). With
// max_budget = 9.5 C, exactly 10 requests fit: the 10th is admitted at 9 C < 9.5 C, the 11th is
// refused at 10 C. Check-then-spend would have admitted all 100.
describe.skipIf(!databaseUrl || !redisUrl)("budgets under concurrency (real PG + Redis)", () => {
  const id = randomBytes(4).toString("hex");
  const schema = `gw_budget_conc_${id}`;
  const budgetsPrefix = `test:budget-conc:${id}:budgets:`;
  const routerPrefix = `test:budget-conc:${id}:router:`;
  const CONCURRENCY = 100;
  const request = pricedRequest("How much budget is left?");
  const C = estimatedCost(request);
  const maxBudget = 9.5 * C;
  let upstream: FakeServer;
  let sql: postgres.Sql;
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    // Long enough that all 100 requests are in flight together.
    upstream = await startPricedUpstream({ latencyMs: 300 });
    const start = () =>
      startTestGateway({
        config: { model_list: [pricedModel(upstream)] },
        databaseUrl,
        env: { DATABASE_SCHEMA: schema, REDIS_URL: redisUrl },
        routerStateKeyPrefix: routerPrefix,
        budgetsKeyPrefix: budgetsPrefix,
      });
    // One after the other: both migrate the same schema.
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
    if (redisUrl) await dropRedisPrefix(redisUrl, `test:budget-conc:${id}:`);
  });

  async function newKey(): Promise<string> {
    const res = await fetch(`${a.url}/key/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${a.masterKey}`, "content-type": "application/json" },
      body: JSON.stringify({ max_budget: maxBudget }),
    });
    const body = (await res.json()) as { key: string };
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body.key;
  }

  /** Fires CONCURRENCY requests at once, spread round-robin over `instances`. */
  async function burst(instances: TestGateway[], key: string) {
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
    return { outcomes, upstreamCalls: upstream.callCount("/v1/chat/completions") - calls };
  }

  async function assertHeld(instances: TestGateway[], key: string) {
    const { outcomes, upstreamCalls } = await burst(instances, key);
    const served = outcomes.flatMap((o) => (o.ok ? [o.completion] : []));
    const refused = outcomes.flatMap((o) => (o.ok ? [] : [o]));

    // Each served request's cost, from the usage the client got and the deployment's prices.
    const costOf = (c: OpenAI.ChatCompletion) =>
      c.usage!.prompt_tokens * INPUT_COST_PER_TOKEN +
      c.usage!.completion_tokens * OUTPUT_COST_PER_TOKEN;
    const servedCost = served.reduce((sum, c) => sum + costOf(c), 0);
    // The estimate is tight: what was reserved is what it cost.
    for (const c of served) expect(costOf(c)).toBeCloseTo(C, 12);
    // The promised bound, then the exact count it implies when costs equal estimates.
    expect(servedCost).toBeLessThan(maxBudget + C);
    expect(served).toHaveLength(10);
    expect(refused).toHaveLength(CONCURRENCY - 10);
    for (const r of refused) {
      expect(r.status).toBe(400);
      expect(r.error).toMatchObject({ type: "budget_exceeded" });
    }
    // A refusal never reaches the provider.
    expect(upstreamCalls).toBe(served.length);

    // The flusher (every second; forced here) writes the ledger: the key's running spend and
    // its spend logs both equal what was served.
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
  }

  it("one instance: 100 concurrent requests against a budget for 10 serve exactly 10", async () => {
    await assertHeld([a], await newKey());
  }, 60_000);

  it("two instances sharing Redis and Postgres: still exactly 10 in total", async () => {
    // Two budgets of their own would serve 20; one shared ledger serves 10.
    await assertHeld([a, b], await newKey());
  }, 60_000);
});
