import { RateLimitError } from "@org/core";
import { afterEach, describe, expect, it } from "vitest";
import { chatRequest, entry } from "./__fixtures__/fakes.ts";
import {
  dropPrefix,
  redisProxy,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from "./__fixtures__/redis.ts";
import { testRouter } from "./__fixtures__/test-router.ts";
import { NoDeploymentsAvailableError } from "./errors/no-deployments-error.ts";
import { RedisStateStore } from "./state/redis-state-store.ts";

const url = testRedisUrl();

/** Both instances read one frozen clock: the test never straddles a minute boundary. */
function frozenClock() {
  let now = Date.now();
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe.skipIf(url === undefined)("Two routers on one Redis", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function instance(
    prefix: string,
    options: Parameters<typeof testRouter>[0],
    storeUrl = url!,
  ) {
    const store = new RedisStateStore({
      url: storeUrl,
      keyPrefix: prefix,
      commandTimeoutMs: 300,
      probeIntervalMs: 50,
      reconnectMaxDelayMs: 50,
    });
    cleanups.push(() => store.close());
    expect(await store.waitUntilReady()).toBe(true);
    return testRouter({ ...options, store });
  }

  it("hold an rpm limit of 10/min in total", async () => {
    const prefix = uniquePrefix("router-rpm");
    cleanups.push(() => dropPrefix(url!, prefix));
    const clock = frozenClock();
    const options = {
      modelList: [entry("g", "openai/gpt-a", { rpm: 10 }, { id: "shared-a" })],
      script: { "gpt-a": [{ ok: "a" }] },
      clock,
    };
    const one = await instance(prefix, options);
    const two = await instance(prefix, options);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 === 0 ? one : two).router.chatCompletion(chatRequest("g")),
      ),
    );
    const served = outcomes.filter((o) => o.status === "fulfilled");
    expect(served).toHaveLength(10);
    // 15 attempts each: with per-instance counting 20 would pass. How the 10 split between the
    // two depends on which connection's commands reach Redis first, so it is not asserted.
    expect(one.fake.calls.length + two.fake.calls.length).toBe(10);
    for (const o of outcomes) {
      if (o.status === "rejected") {
        expect(o.reason).toBeInstanceOf(NoDeploymentsAvailableError);
        expect(o.reason).toMatchObject({ status: 429, reason: "rate_limit", modelGroup: "g" });
      }
    }
    clock.advance(60_000);
    await expect(two.router.chatCompletion(chatRequest("g"))).resolves.toBeDefined();
  });

  it("skip a deployment the other instance cooled down", async () => {
    const prefix = uniquePrefix("router-cooldown");
    cleanups.push(() => dropPrefix(url!, prefix));
    const clock = frozenClock();
    const modelList = [entry("g", "openai/gpt-a", {}, { id: "shared-a" })];
    const one = await instance(prefix, {
      modelList,
      // allowed_fails configured: a single deployment cools down too (LiteLLM's rules).
      settings: { cooldown_time: 30, allowed_fails: 0 },
      script: { "gpt-a": [{ error: new RateLimitError("upstream 429") }] },
      clock,
    });
    const two = await instance(prefix, {
      modelList,
      settings: { cooldown_time: 30, allowed_fails: 0 },
      script: { "gpt-a": [{ ok: "a" }] },
      clock,
    });

    await expect(one.router.chatCompletion(chatRequest("g"))).rejects.toBeInstanceOf(
      RateLimitError,
    );
    const error = await two.router.chatCompletion(chatRequest("g")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoDeploymentsAvailableError);
    expect(error).toMatchObject({ reason: "cooldown", retryAfterMs: 30_000 });
    expect(two.fake.calls).toHaveLength(0);
    expect((await two.router.health()).unhealthy.map((d) => d.id)).toEqual(["shared-a"]);

    clock.advance(30_000);
    await expect(two.router.chatCompletion(chatRequest("g"))).resolves.toBeDefined();
    expect(two.fake.calls).toHaveLength(1);
  });

  it("keep serving on local state while Redis is down, and share again when it is back", async () => {
    const prefix = uniquePrefix("router-outage");
    cleanups.push(() => dropPrefix(url!, prefix));
    const proxy = await redisProxy(url!);
    cleanups.push(() => proxy.down());
    const clock = frozenClock();
    const options = {
      modelList: [entry("g", "openai/gpt-a", { rpm: 100 }, { id: "shared-a" })],
      script: { "gpt-a": [{ ok: "a" }] },
      clock,
    };
    const one = await instance(prefix, options, proxy.url);
    const two = await instance(prefix, options);
    await one.router.chatCompletion(chatRequest("g"));
    expect(one.router.storeStatus().healthy).toBe(true);

    await proxy.down();
    await waitFor(() => !one.router.storeStatus().healthy);
    for (let i = 0; i < 3; i++)
      await expect(one.router.chatCompletion(chatRequest("g"))).resolves.toBeDefined();
    const health = await one.router.health();
    expect(health.store).toMatchObject({ backend: "redis", healthy: false });
    expect(health.store.degradedSince).toBeDefined();
    expect(health.healthy.map((d) => d.id)).toEqual(["shared-a"]);

    await proxy.up();
    await waitFor(() => one.router.storeStatus().healthy);
    await one.router.chatCompletion(chatRequest("g"));
    // Instance two sees instance one's requests again (1 before, 1 after the outage, 1 its own).
    await two.router.chatCompletion(chatRequest("g"));
    expect(two.store.view("shared-a").rpm).toBe(3);
  });
});
