import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeClock, type FakeClock } from "@org/budgets";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { manage } from "../testing/manage.ts";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";
import { gpt4oAtFixedPrice } from "../testing/priced-upstream.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");

// Two gateway instances on one PostgreSQL and one Redis, as production runs them: a change made
// through one instance's management API holds on the other at once (the key cache is
// invalidated over Redis pub/sub, not left to its TTL), and rate limits count across both.
describe.skipIf(!databaseUrl || !redisUrl)("two instances share keys, budgets and limits", () => {
  const id = randomBytes(4).toString("hex");
  const schema = `gw_shared_${id}`;
  let upstream: FakeServer;
  let clock: FakeClock;
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    clock = createFakeClock(Date.UTC(2026, 10, 26, 12, 0, 0));
    const start = () =>
      startTestGateway({
        config: {
          model_list: [gpt4oAtFixedPrice(upstream)],
        },
        databaseUrl,
        env: { DATABASE_SCHEMA: schema, REDIS_URL: redisUrl },
        routerStateKeyPrefix: `test:shared:${id}:router:`,
        budgetsKeyPrefix: `test:shared:${id}:budgets:`,
        clock,
      });
    // One after the other: both migrate the same schema.
    a = await start();
    b = await start();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await upstream?.close();
    if (redisUrl) await dropRedisPrefix(redisUrl, `test:shared:${id}:`);
    if (databaseUrl) {
      const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop schema if exists "${schema}" cascade`);
      await sql.end();
    }
  });

  const admin = <T = Record<string, unknown>>(on: TestGateway, path: string, body: unknown) =>
    manage<T>(on, on.masterKey, path, body);
  const chat = (on: TestGateway, key: string) =>
    fetch(`${on.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
    });
  /** Polls until `on` answers `status` for the key; pub/sub delivery takes a moment. */
  async function eventually(on: TestGateway, key: string, status: number): Promise<Response> {
    const deadline = Date.now() + 2000;
    for (;;) {
      const res = await chat(on, key);
      if (res.status === status || Date.now() > deadline) return res;
      await res.arrayBuffer();
      await sleep(25);
    }
  }

  it("a key blocked through one instance is refused by the other", async () => {
    const { key } = await admin<{ key: string }>(a, "/key/generate", {});
    // B has the key cached as usable.
    expect((await chat(b, key)).status).toBe(200);
    await admin(a, "/key/block", { key });
    const refused = await eventually(b, key, 401);
    const body = (await refused.json()) as { error: { message: string } };
    expect(refused.status).toBe(401);
    expect(body.error.message).toMatch(/blocked/i);

    await admin(a, "/key/unblock", { key });
    expect((await eventually(b, key, 200)).status).toBe(200);
  });

  it("a key deleted through one instance is refused by the other", async () => {
    const { key } = await admin<{ key: string }>(a, "/key/generate", {});
    expect((await chat(b, key)).status).toBe(200);
    await admin(a, "/key/delete", { keys: [key] });
    expect((await eventually(b, key, 401)).status).toBe(401);
  });

  it("a budget lowered through one instance holds on the other", async () => {
    const { key } = await admin<{ key: string }>(a, "/key/generate", { max_budget: 100 });
    expect((await chat(b, key)).status).toBe(200);
    expect((await chat(a, key)).status).toBe(200);
    // Below what the two requests already cost: the next request on either is refused.
    await admin(a, "/key/update", { key, max_budget: 0.001 });
    const refused = await eventually(b, key, 400);
    const body = (await refused.json()) as { error: { type: string } };
    expect(refused.status).toBe(400);
    expect(body.error.type).toBe("budget_exceeded");
    expect((await chat(a, key)).status).toBe(400);
  });

  it("an rpm_limit counts requests on both instances together", async () => {
    clock.advance(60_000);
    const { key } = await admin<{ key: string }>(a, "/key/generate", { rpm_limit: 4 });
    const calls = upstream.callCount();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await chat(i % 2 === 0 ? a : b, key);
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
    expect(upstream.callCount() - calls).toBe(4);
  });

  // The Redis limiter keeps a marker per lease id that answers a re-sent acquire as its first
  // run did (same time, same id): were the client's x-litellm-call-id the lease id, requests
  // sent together under one id (one clock reading here) would be admitted on the first one's
  // answer, uncounted, and only one release of them all would count its tokens.
  it("requests sent together under one x-litellm-call-id each count against rpm_limit", async () => {
    clock.advance(60_000);
    const { key } = await admin<{ key: string }>(a, "/key/generate", { rpm_limit: 3 });
    const calls = upstream.callCount();
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        fetch(`${(i % 2 === 0 ? a : b).baseURL}/chat/completions`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${key}`,
            "content-type": "application/json",
            "x-litellm-call-id": `shared-${id}`,
          },
          body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
        }),
      ),
    );
    const statuses = await Promise.all(
      responses.map(async (res) => (await res.arrayBuffer(), res.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(upstream.callCount() - calls).toBe(3);
  });
});
