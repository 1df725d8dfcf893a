import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiRateLimitError, startFakeOpenAI, type FakeServer } from "@org/testing";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { dropRedisPrefix } from "../testing/drop-redis-prefix.ts";

const redisUrl = integrationUrl("TEST_REDIS_URL");

/** rpm limits count per calendar minute: start at least `neededMs` before the next one. */
async function awayFromMinuteEdge(neededMs: number): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 60_000 - neededMs) await sleep(60_000 - intoMinute + 200);
}

// Two gateway instances on one real Redis share the router's limits and cooldowns, as two
// LiteLLM proxies with the same redis_host do.
describe.skipIf(!redisUrl)("two gateway instances sharing router state in Redis", () => {
  const prefix = `test:gateway-router:${randomUUID()}:`;
  let limitedFake: FakeServer;
  let coolFake: FakeServer;
  let backupFake: FakeServer;
  let hotFake: FakeServer;
  let hotBackupFake: FakeServer;
  let one: TestGateway;
  let two: TestGateway;

  beforeAll(async () => {
    [limitedFake, coolFake, backupFake, hotFake, hotBackupFake] = await Promise.all([
      startFakeOpenAI(),
      startFakeOpenAI(),
      startFakeOpenAI(),
      startFakeOpenAI(),
      startFakeOpenAI(),
    ]);
    const config = {
      model_list: [
        {
          model_name: "limited",
          litellm_params: {
            model: "openai/gpt-4o",
            api_key: "sk-upstream",
            api_base: `${limitedFake.url}/v1`,
            rpm: 10,
          },
        },
        // simple-shuffle by weight: "cool-first" is always tried first while it is usable.
        {
          model_name: "cool",
          litellm_params: {
            model: "openai/gpt-4o",
            api_key: "sk-upstream",
            api_base: `${coolFake.url}/v1`,
            weight: 1,
          },
          model_info: { id: "cool-first" },
        },
        {
          model_name: "cool",
          litellm_params: {
            model: "openai/gpt-4o",
            api_key: "sk-upstream",
            api_base: `${backupFake.url}/v1`,
            weight: 0,
          },
          model_info: { id: "cool-backup" },
        },
        // The same shape, for the instances' local picks (no limits, simple-shuffle).
        {
          model_name: "hot",
          litellm_params: {
            model: "openai/gpt-4o",
            api_key: "sk-upstream",
            api_base: `${hotFake.url}/v1`,
            weight: 1,
          },
          model_info: { id: "hot-first" },
        },
        {
          model_name: "hot",
          litellm_params: {
            model: "openai/gpt-4o",
            api_key: "sk-upstream",
            api_base: `${hotBackupFake.url}/v1`,
            weight: 0,
          },
          model_info: { id: "hot-backup" },
        },
      ],
      router_settings: { redis_url: redisUrl, cooldown_time: 30 },
    };
    [one, two] = await Promise.all([
      startTestGateway({ config, routerStateKeyPrefix: prefix }),
      startTestGateway({ config, routerStateKeyPrefix: prefix }),
    ]);
    // One instance's embedded database start-up holds the shared event loop for seconds on a
    // loaded machine; the other's Redis commands time out meanwhile and its store serves from
    // local state until its probe finds Redis again (by design). The tests are about the
    // steady state, so wait for it.
    const deadline = Date.now() + 20_000;
    while (
      ![one, two].every((g) => g.gateway.deps.router.storeStatus().healthy) &&
      Date.now() < deadline
    ) {
      await sleep(50);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await Promise.all(
      [limitedFake, coolFake, backupFake, hotFake, hotBackupFake].map((f) => f?.close()),
    );
    if (redisUrl) await dropRedisPrefix(redisUrl, prefix);
  });

  const clientOf = (gateway: TestGateway) =>
    new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });

  it("shares the state store on Redis", async () => {
    for (const gateway of [one, two]) {
      expect(gateway.gateway.deps.router.storeStatus()).toMatchObject({
        backend: "redis",
        healthy: true,
      });
    }
    // Both load the same config, so both name the deployment the same (shared keys).
    const ids = (gateway: TestGateway) =>
      gateway.gateway.deps.router.deployments().map((d) => d.id);
    expect(ids(one)).toEqual(ids(two));
  });

  it("holds an rpm limit of 10 in total across both instances", async () => {
    await awayFromMinuteEdge(15_000);
    const clients = [clientOf(one), clientOf(two)];
    const outcomes: Array<"ok" | number> = [];
    for (let i = 0; i < 20; i++) {
      const outcome = await clients[i % 2]!.chat.completions.create({
        model: "limited",
        messages: [{ role: "user", content: `request ${i}` }],
      }).then(
        () => "ok" as const,
        (error: unknown) => {
          if (!(error instanceof OpenAI.APIError)) throw error;
          expect(error.error).toMatchObject({ code: "no_deployments_available" });
          return error.status;
        },
      );
      outcomes.push(outcome);
    }
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(10);
    expect(outcomes.filter((o) => o === 429)).toHaveLength(10);
    // Each instance served some of the 10: the limit is the sum, not per instance.
    expect(outcomes.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => "ok"));
    expect(limitedFake.callCount("/v1/chat/completions")).toBe(10);
  }, 90_000);

  it("honours on instance two a cooldown caused through instance one", async () => {
    coolFake.setDefault(openaiRateLimitError({ retryAfter: 0 }));
    const first = await clientOf(one)
      .chat.completions.create({ model: "cool", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    // cool-first answered 429 (an immediate cooldown) and cool-backup served the request.
    expect(first.response.headers.get("x-litellm-model-id")).toBe("cool-backup");
    expect(coolFake.callCount("/v1/chat/completions")).toBe(1);

    const health = await two.gateway.deps.router.health();
    expect(health.unhealthy.map((d) => d.id)).toEqual(["cool-first"]);
    for (let i = 0; i < 3; i++) {
      const { response } = await clientOf(two)
        .chat.completions.create({ model: "cool", messages: [{ role: "user", content: "hi" }] })
        .withResponse();
      expect(response.headers.get("x-litellm-model-id")).toBe("cool-backup");
      expect(response.headers.get("x-litellm-attempted-retries")).toBe("0");
    }
    // Instance two never called the deployment instance one cooled down.
    expect(coolFake.callCount("/v1/chat/completions")).toBe(1);
    expect(backupFake.callCount("/v1/chat/completions")).toBe(4);
  });

  it("picks without a Redis round trip once warm, and still honours a cooldown caused through the other instance", async () => {
    const ask = (gateway: TestGateway) =>
      clientOf(gateway)
        .chat.completions.create({ model: "hot", messages: [{ role: "user", content: "hi" }] })
        .withResponse();
    // The first pick of a deployment on each instance goes to Redis and starts following its
    // cooldowns; give the subscription a moment to be up.
    for (const gateway of [one, two]) await ask(gateway);
    await sleep(200);

    // Every command Redis runs for this test's keys, from any client.
    const monitor = await new Redis(redisUrl!).monitor();
    const routerCommands: string[] = [];
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (args.some((a) => a.startsWith(prefix))) routerCommands.push(args[0]!);
    });
    try {
      for (let i = 0; i < 5; i++) {
        const { response } = await ask(two);
        expect(response.headers.get("x-litellm-model-id")).toBe("hot-first");
      }
      await sleep(100);
      expect(routerCommands.filter((c) => /^eval/i.test(c))).toEqual([]);

      hotFake.setDefault(openaiRateLimitError({ retryAfter: 0 }));
      const failed = await ask(one);
      expect(failed.response.headers.get("x-litellm-model-id")).toBe("hot-backup");
      // The failure went to Redis (cooldowns start there), and was published to instance two.
      expect(routerCommands.filter((c) => /^eval/i.test(c)).length).toBeGreaterThan(0);
    } finally {
      monitor.disconnect();
    }
    const calls = hotFake.callCount("/v1/chat/completions");
    // Published at once; at worst read again within a second.
    await sleep(1_100);
    for (let i = 0; i < 3; i++) {
      const { response } = await ask(two);
      expect(response.headers.get("x-litellm-model-id")).toBe("hot-backup");
      expect(response.headers.get("x-litellm-attempted-retries")).toBe("0");
    }
    expect(hotFake.callCount("/v1/chat/completions")).toBe(calls);
  });
});
