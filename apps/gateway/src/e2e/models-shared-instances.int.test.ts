import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";
import { manage } from "../testing/manage.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");
const redisUrl = integrationUrl("TEST_REDIS_URL");

// Two instances on one PostgreSQL and one Redis: a model changed through one instance's
// /model/new, /model/update or /model/delete holds on the other too. Each instance reloaded the
// stored models only for its own management calls, so the other kept serving a deleted model,
// or one taken out of the access group a key was allowed through, until it restarted (LiteLLM's
// instances re-read the database's models every few seconds).
describe.skipIf(!databaseUrl || !redisUrl)("two instances share the stored models", () => {
  const id = randomBytes(4).toString("hex");
  const schema = `gw_models_${id}`;
  let upstream: FakeServer;
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    const start = () =>
      startTestGateway({
        config: {
          model_list: [
            {
              model_name: "config-model",
              litellm_params: { model: "openai/config-model", api_base: `${upstream.url}/v1` },
            },
          ],
        },
        databaseUrl,
        env: {
          DATABASE_SCHEMA: schema,
          REDIS_URL: redisUrl,
          LITELLM_SALT_KEY: "test-salt-key-models-shared",
        },
        routerStateKeyPrefix: `test:models:${id}:router:`,
        budgetsKeyPrefix: `test:models:${id}:budgets:`,
      });
    // One after the other: both migrate the same schema.
    a = await start();
    b = await start();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await upstream?.close();
    if (redisUrl) await dropRedisPrefix(redisUrl, `test:models:${id}:`);
    if (databaseUrl) {
      const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop schema if exists "${schema}" cascade`);
      await sql.end();
    }
  });

  const admin = <T = Record<string, unknown>>(path: string, body: unknown) =>
    manage<T>(a, a.masterKey, path, body);
  const chat = (on: TestGateway, key: string, model: string) =>
    fetch(`${on.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
  /** Polls until `on` answers `status`; pub/sub delivery and the reload take a moment. */
  async function eventually(on: TestGateway, key: string, model: string, status: number) {
    const deadline = Date.now() + 3000;
    for (;;) {
      const res = await chat(on, key, model);
      await res.arrayBuffer();
      if (res.status === status || Date.now() > deadline) return res.status;
      await sleep(25);
    }
  }

  it("a model added, narrowed and deleted through one instance is served the same by the other", async () => {
    const created = await admin<{ model_info: { id: string } }>("/model/new", {
      model_name: "db-model",
      litellm_params: { model: "openai/db-model", api_base: `${upstream.url}/v1` },
      model_info: { access_groups: ["beta"] },
    });
    const { key } = await admin<{ key: string }>("/key/generate", { models: ["beta"] });
    expect(await eventually(b, key, "db-model", 200)).toBe(200);

    // Out of the access group the key was allowed through: refused on both.
    await admin("/model/update", {
      model_id: created.model_info.id,
      model_info: { access_groups: [] },
    });
    expect((await chat(a, key, "db-model")).status).toBe(401);
    expect(await eventually(b, key, "db-model", 401)).toBe(401);

    await admin("/model/delete", { id: created.model_info.id });
    const calls = upstream.callCount();
    expect(await eventually(b, b.masterKey, "db-model", 400)).toBe(400);
    expect(upstream.callCount()).toBe(calls);
    // The config's models stay.
    expect((await chat(b, b.masterKey, "config-model")).status).toBe(200);
  });
});
