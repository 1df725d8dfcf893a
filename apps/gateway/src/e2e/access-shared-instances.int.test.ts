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

// Two instances on one PostgreSQL and one Redis, B holding the key's identity in its cache: what
// an admin changes through A about the key's team, its user or the key itself holds on B at once
// (budgets-shared-instances covers a key blocked or deleted). Without the invalidation B served
// the old identity for its cache's 30 s.
describe.skipIf(!databaseUrl || !redisUrl)(
  "two instances: access changes reach the other's cached keys",
  () => {
    const id = randomBytes(4).toString("hex");
    const schema = `gw_access_${id}`;
    let upstream: FakeServer;
    let a: TestGateway;
    let b: TestGateway;

    beforeAll(async () => {
      upstream = await startFakeOpenAI();
      const deployment = (name: string) => ({
        model_name: name,
        litellm_params: {
          model: `openai/${name}`,
          api_key: "sk-up",
          api_base: `${upstream.url}/v1`,
        },
      });
      const start = () =>
        startTestGateway({
          config: { model_list: [deployment("cheap"), deployment("dear")] },
          databaseUrl,
          env: { DATABASE_SCHEMA: schema, REDIS_URL: redisUrl },
          routerStateKeyPrefix: `test:access:${id}:router:`,
          budgetsKeyPrefix: `test:access:${id}:budgets:`,
        });
      // One after the other: both migrate the same schema.
      a = await start();
      b = await start();
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await upstream?.close();
      if (redisUrl) await dropRedisPrefix(redisUrl, `test:access:${id}:`);
      if (databaseUrl) {
        const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
        await sql.unsafe(`drop schema if exists "${schema}" cascade`);
        await sql.end();
      }
    });

    const admin = <T = Record<string, unknown>>(path: string, body: unknown) =>
      manage<T>(a, a.masterKey, path, body);
    const chat = async (key: string, model = "cheap") => {
      const res = await fetch(`${b.baseURL}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
      });
      await res.arrayBuffer();
      return res.status;
    };
    /** Polls B until it answers `status`; pub/sub delivery takes a moment. */
    async function eventually(key: string, status: number, model = "cheap") {
      const deadline = Date.now() + 2000;
      for (;;) {
        const got = await chat(key, model);
        if (got === status || Date.now() > deadline) return got;
        await sleep(25);
      }
    }

    it("a key regenerated through A: B refuses the old key and serves the new one", async () => {
      const { key } = await admin<{ key: string }>("/key/generate", {});
      expect(await chat(key)).toBe(200);
      const renewed = await admin<{ key: string }>(`/key/${key}/regenerate`, {});
      expect(await eventually(key, 401)).toBe(401);
      expect(await chat(renewed.key)).toBe(200);
    });

    it("a team blocked through A: B refuses its keys, and serves them again once unblocked", async () => {
      await admin("/team/new", { team_id: `t-${id}` });
      const { key } = await admin<{ key: string }>("/key/generate", { team_id: `t-${id}` });
      expect(await chat(key)).toBe(200);
      await admin("/team/block", { team_id: `t-${id}` });
      expect(await eventually(key, 401)).toBe(401);
      await admin("/team/unblock", { team_id: `t-${id}` });
      expect(await eventually(key, 200)).toBe(200);
    });

    it("models taken from a key, its team or its user through A are refused by B", async () => {
      await admin("/team/new", { team_id: `m-${id}` });
      await admin("/user/new", { user_id: `u-${id}` });
      const { key } = await admin<{ key: string }>("/key/generate", {});
      const teamKey = (await admin<{ key: string }>("/key/generate", { team_id: `m-${id}` })).key;
      const userKey = (await admin<{ key: string }>("/key/generate", { user_id: `u-${id}` })).key;
      for (const k of [key, teamKey, userKey]) expect(await chat(k, "dear")).toBe(200);

      await admin("/key/update", { key, models: ["cheap"] });
      await admin("/team/update", { team_id: `m-${id}`, models: ["cheap"] });
      await admin("/user/update", { user_id: `u-${id}`, models: ["cheap"] });
      for (const k of [key, teamKey, userKey]) {
        expect(await eventually(k, 401, "dear")).toBe(401);
        expect(await chat(k, "cheap")).toBe(200);
      }
    });
  },
);
