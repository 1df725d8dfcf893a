import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import OpenAI from "openai";
import type { Logger } from "@org/observability";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, RedisServerProcess } from "@org/cache/testing";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

const redisUrl = integrationUrl("TEST_REDIS_URL");

// The Redis response cache (`cache_params: {type: redis}`) over HTTP with the official OpenAI
// SDK: shared by instances on one Redis and one key prefix, and a Redis outage is a miss (never a
// failed request) that ends by itself once Redis is back. The fake upstream's call count is the
// proof of a hit.

const modelList = (upstream: FakeServer) => [
  {
    model_name: "gpt-4o",
    litellm_params: { model: "openai/gpt-4o", api_key: "sk-up", api_base: `${upstream.url}/v1` },
  },
];
const clientOf = (gateway: TestGateway) =>
  new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.baseURL, maxRetries: 0 });
const ask = (client: OpenAI, content: string) =>
  client.chat.completions
    .create({ model: "gpt-4o", messages: [{ role: "user", content }] })
    .withResponse();
const hitOf = (res: { response: Response }) => res.response.headers.get("x-litellm-cache-hit");
const streamed = async (client: OpenAI, content: string) => {
  const stream = await client.chat.completions.create({
    model: "gpt-4o",
    stream: true,
    messages: [{ role: "user", content }],
  });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  return text;
};

describe.skipIf(!redisUrl)("Redis response cache over HTTP", () => {
  const id = randomBytes(4).toString("hex");
  const prefix = `test:cache-redis:${id}:`;
  let upstream: FakeServer;
  let n = 0;
  const fresh = (label: string) => `${label} #${++n} ${id}`;
  const chatCalls = () => upstream.callCount("/v1/chat/completions");

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-up" });
  });
  afterAll(async () => {
    await upstream?.close();
    if (redisUrl) await dropRedisPrefix(redisUrl, prefix);
  });

  describe("two instances sharing one Redis and one key prefix", () => {
    let a: TestGateway;
    let b: TestGateway;

    beforeAll(async () => {
      const url = new URL(redisUrl!);
      // One instance names Redis by URL, the other by host/port (LiteLLM's two spellings).
      a = await startTestGateway({
        config: {
          model_list: modelList(upstream),
          litellm_settings: { cache: true, cache_params: { type: "redis", redis_url: redisUrl } },
        },
        cacheKeyPrefix: prefix,
      });
      b = await startTestGateway({
        config: {
          model_list: modelList(upstream),
          litellm_settings: {
            cache: true,
            cache_params: {
              type: "redis",
              host: url.hostname,
              port: Number(url.port || 6379),
              ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
            },
          },
        },
        cacheKeyPrefix: prefix,
      });
    }, 120_000);
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it("an answer stored by the first instance is a hit on the second, stored under the prefix", async () => {
      const q = fresh("shared");
      const before = chatCalls();
      const first = await ask(clientOf(a), q);
      expect(hitOf(first)).toBeNull();
      const key = first.response.headers.get("x-litellm-cache-key")!;
      expect(key).toMatch(/[0-9a-f]{64}$/);

      // The store's write is not awaited by the response: poll, bounded, for the entry.
      const redis = new Redis(redisUrl!, { maxRetriesPerRequest: 1 });
      try {
        const deadline = Date.now() + 5000;
        while ((await redis.exists(prefix + key)) === 0 && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 20));
        const found: string[] = [];
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
          cursor = next;
          found.push(...keys);
        } while (cursor !== "0");
        expect(found).toContain(prefix + key);
        const ttl = await redis.pttl(prefix + key);
        expect(ttl === -1 || ttl > 0).toBe(true);
      } finally {
        redis.disconnect();
      }

      const second = await ask(clientOf(b), q);
      expect(hitOf(second)).toBe("True");
      expect(second.response.headers.get("x-litellm-cache-key")).toBe(key);
      expect(second.data.choices).toEqual(first.data.choices);
      expect(second.data.usage).toEqual(first.data.usage);
      expect(await streamed(clientOf(b), q)).toBe(first.data.choices[0]!.message.content);
      expect(chatCalls() - before).toBe(1);
    });

    it("an instance with another key prefix does not see the entries", async () => {
      const other = await startTestGateway({
        config: {
          model_list: modelList(upstream),
          litellm_settings: { cache: true, cache_params: { type: "redis", redis_url: redisUrl } },
        },
        cacheKeyPrefix: `${prefix}other:`,
      });
      try {
        const q = fresh("other prefix");
        await ask(clientOf(a), q);
        const before = chatCalls();
        expect(hitOf(await ask(clientOf(other), q))).toBeNull();
        expect(chatCalls() - before).toBe(1);
      } finally {
        await other.close();
      }
    }, 120_000);
  });

  describe("Redis killed mid-test, then restarted", () => {
    let server: RedisServerProcess;
    let gateway: TestGateway;
    let client: OpenAI;
    const warnings: string[] = [];
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      warn: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields ?? {})}`),
      error: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields ?? {})}`),
      child: () => logger,
    };

    beforeAll(async () => {
      // A redis-server of this test's own: the shared TEST_REDIS_URL must never be killed.
      server = await RedisServerProcess.start(await freePort());
      gateway = await startTestGateway({
        config: {
          model_list: modelList(upstream),
          litellm_settings: {
            cache: true,
            cache_params: { type: "redis", host: "127.0.0.1", port: server.port },
          },
        },
        logger,
      });
      client = clientOf(gateway);
    }, 120_000);
    afterAll(async () => {
      await gateway?.close();
      await server?.kill();
    });

    /** Asks `q` until its answer is stored and a repeat hits (the store's write is not awaited). */
    const untilHit = async (q: string) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const res = await ask(client, q);
        if (hitOf(res) === "True") return res;
        if (Date.now() > deadline) throw new Error(`no cache hit within 20 s for ${q}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    it("serves every request uncached with a 200 while Redis is down, streamed or not, and caches again once it is back", async () => {
      const q = fresh("before outage");
      await ask(client, q);
      await untilHit(q);

      await server.kill();
      const warnedBefore = warnings.length;
      const before = chatCalls();
      for (let i = 0; i < 3; i++) {
        const res = await ask(client, q);
        expect(res.response.status).toBe(200);
        expect(hitOf(res)).toBeNull();
        expect(res.data.choices[0]!.message.content).toContain(q);
      }
      expect(await streamed(client, q)).toContain(q);
      const raw = await fetch(`${gateway.baseURL}/chat/completions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${gateway.masterKey}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          model: "gpt-4o",
          stream: true,
          messages: [{ role: "user", content: q }],
        }),
      });
      expect(raw.status).toBe(200);
      expect(await raw.text()).toMatch(/data: \[DONE\]\n\n$/);
      expect(chatCalls() - before).toBe(5);
      // The outage is logged, once per interval rather than once per request or reconnect.
      const outageLines = warnings.slice(warnedBefore);
      expect(outageLines.some((line) => /redis/i.test(line))).toBe(true);
      expect(outageLines.length).toBeLessThanOrEqual(3);

      await server.restart();
      // Redis came back empty (no persistence); the store reconnects by itself.
      const after = fresh("after outage");
      const hit = await untilHit(after);
      expect(hit.data.choices[0]!.message.content).toContain(after);
      const callsNow = chatCalls();
      expect(hitOf(await ask(client, after))).toBe("True");
      expect(chatCalls()).toBe(callsNow);
    });
  });

  it("type: redis without any Redis (no host, no redis_url, no REDIS_URL) is a start error saying what to set", async () => {
    const started = startTestGateway({
      config: {
        model_list: modelList(upstream),
        litellm_settings: { cache: true, cache_params: { type: "redis" } },
      },
      env: {},
    });
    await expect(started).rejects.toThrow(
      /cache_params\.type redis needs a Redis: set cache_params\.host\/port\/password or redis_url/,
    );
  }, 120_000);
});
