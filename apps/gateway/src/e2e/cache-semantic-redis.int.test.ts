import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, RedisServerProcess } from "@org/cache/testing";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { startTopicEmbeddings, type TopicEmbeddings } from "../testing/topic-embeddings.ts";

const redisUrl = integrationUrl("TEST_REDIS_URL");

// `type: redis-semantic` over HTTP with the official OpenAI SDK: instances on one Redis and one
// key prefix share the semantic cache. The answer lives in the exact store (Redis); its prompt's
// vector reaches the other instances through the Redis stream `${prefix}semantic:stream`, which
// each instance follows (and loads from the start when it starts).

const THRESHOLD = 0.9;

describe.skipIf(!redisUrl)("semantic response cache shared through Redis (redis-semantic)", () => {
  const id = randomBytes(4).toString("hex");
  const prefix = `test:cache-semantic-redis:${id}:`;
  let chatUpstream: FakeServer;
  let embeddings: TopicEmbeddings;
  const gateways: TestGateway[] = [];
  const chatCalls = () => chatUpstream.callCount("/v1/chat/completions");

  const start = async (
    redis: Record<string, unknown> = { redis_url: redisUrl },
    keyPrefix = prefix,
  ) => {
    const gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: {
              model: "openai/gpt-4o",
              api_key: "sk-up",
              api_base: `${chatUpstream.url}/v1`,
            },
          },
          {
            model_name: "embedder",
            litellm_params: {
              model: "openai/text-embedding-3-small",
              api_key: "sk-up",
              api_base: embeddings.apiBase,
            },
          },
        ],
        litellm_settings: {
          cache: true,
          cache_params: {
            type: "redis-semantic",
            ...redis,
            similarity_threshold: THRESHOLD,
            redis_semantic_cache_embedding_model: "embedder",
          },
        },
      },
      cacheKeyPrefix: keyPrefix,
    });
    gateways.push(gateway);
    return gateway;
  };
  const clientOf = (gateway: TestGateway) =>
    new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.baseURL, maxRetries: 0 });
  const ask = (gateway: TestGateway, content: string, extra: Record<string, unknown> = {}) =>
    clientOf(gateway)
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content }], ...extra })
      .withResponse();
  const hitOf = (res: { response: Response }) => res.response.headers.get("x-litellm-cache-hit");

  beforeAll(async () => {
    chatUpstream = await startFakeOpenAI({ apiKey: "sk-up" });
    embeddings = await startTopicEmbeddings();
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await chatUpstream?.close();
    await embeddings?.close();
    if (redisUrl) await dropRedisPrefix(redisUrl, prefix);
  });

  /** Asks `paraphrase` on `gateway` until it hits, bounded; `no-store` keeps a miss from storing b's own answer. */
  const untilHit = async (gateway: TestGateway, paraphrase: string) => {
    let misses = 0;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await ask(gateway, paraphrase, { cache: { "no-store": true } });
      if (hitOf(res) === "True") return { hit: res, misses };
      if (Date.now() > deadline) throw new Error(`the paraphrase never hit: ${paraphrase}`);
      misses++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it("a paraphrase of a prompt answered on the first instance hits on the second, and on one started later", async () => {
    const a = await start();
    const b = await start();
    const [question, paraphrase] = embeddings.paraphrases(
      `What is the boiling point of water at sea level? (${id})`,
      `At sea level, at what temperature does water boil? (${id})`,
    );
    const before = chatCalls();
    const first = await ask(a, question);
    expect(hitOf(first)).toBeNull();

    // The vector travels through the stream (the write is not awaited by the response).
    const redis = new Redis(redisUrl!, { maxRetriesPerRequest: 1 });
    try {
      const deadline = Date.now() + 10_000;
      while ((await redis.xlen(`${prefix}semantic:stream`)) === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await redis.xlen(`${prefix}semantic:stream`)).toBe(1);
    } finally {
      redis.disconnect();
    }

    // b applies the stream entry in the background: poll, bounded. `no-store` keeps a miss on b
    // from storing b's own answer (which a later poll would then hit exactly).
    const { hit, misses } = await untilHit(b, paraphrase);
    expect(hit.data.choices).toEqual(first.data.choices);
    expect(hit.data.choices[0]!.message.content).toContain(question);
    expect(
      Number(hit.response.headers.get("x-litellm-semantic-similarity")),
    ).toBeGreaterThanOrEqual(THRESHOLD);
    expect(chatCalls() - before).toBe(1 + misses);

    // A new instance loads the stream's history at start: its first lookup already hits.
    const c = await start();
    const late = await ask(c, paraphrase);
    expect(hitOf(late)).toBe("True");
    expect(late.data.choices).toEqual(first.data.choices);
    expect(chatCalls() - before).toBe(1 + misses);

    // A different question is no hit on either.
    const other = await ask(b, `How many moons does Mars have? (${id})`);
    expect(hitOf(other)).toBeNull();
  }, 120_000);

  it("shares through a Redis that needs an ACL user (cache_params.username): the stream's clients log in as that user too", async () => {
    const server = await RedisServerProcess.start(await freePort(), [
      ...["--user", "default", "off"],
      ...["--user", "cache-app", "on", ">cache-pass", "~*", "&*", "+@all"],
    ]);
    try {
      const redis = {
        host: "127.0.0.1",
        port: server.port,
        username: "cache-app",
        password: "cache-pass",
      };
      const aclPrefix = `${prefix}acl:`;
      const a = await start(redis, aclPrefix);
      const b = await start(redis, aclPrefix);
      const [question, paraphrase] = embeddings.paraphrases(
        `Who discovered penicillin? (${id})`,
        `Which scientist discovered penicillin? (${id})`,
      );
      const first = await ask(a, question);
      const { hit } = await untilHit(b, paraphrase);
      expect(hit.data.choices).toEqual(first.data.choices);
    } finally {
      await server.kill();
    }
  }, 120_000);

  it("Redis killed: requests are served uncached with 200s, and the gateway still shuts down", async () => {
    const server = await RedisServerProcess.start(await freePort());
    let gateway: TestGateway | undefined;
    try {
      // Closed by this test (afterAll closes the rest).
      gateway = await start({ host: "127.0.0.1", port: server.port }, `${prefix}outage:`);
      const [question, paraphrase] = embeddings.paraphrases(
        `What is the speed of light in vacuum? (${id})`,
        `How fast does light travel in a vacuum? (${id})`,
      );
      await ask(gateway, question);
      await untilHit(gateway, paraphrase);

      await server.kill();
      const before = chatCalls();
      // The vector is still in this instance's index, but the answer lives in Redis: a miss.
      const res = await ask(gateway, paraphrase);
      expect(res.response.status).toBe(200);
      expect(hitOf(res)).toBeNull();
      expect(res.data.choices[0]!.message.content).toContain(paraphrase);
      expect(chatCalls() - before).toBe(1);

      // Shutdown during the outage ends (it then flushes spend and closes the database).
      gateways.splice(gateways.indexOf(gateway), 1);
      const closing = gateway.close();
      gateway = undefined;
      const outcome = await Promise.race([
        closing.then(() => "closed"),
        new Promise((resolve) => setTimeout(() => resolve("still closing after 15 s"), 15_000)),
      ]);
      expect(outcome).toBe("closed");
    } finally {
      await server.kill();
    }
  }, 120_000);
});
