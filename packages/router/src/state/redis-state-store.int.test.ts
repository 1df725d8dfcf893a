import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import {
  dropPrefix,
  redisProxy,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from "../__fixtures__/redis.ts";
import { RedisStateStore } from "./redis-state-store.ts";

const url = testRedisUrl();
const T0 = 60_000 * 29_000_000;

describe.skipIf(url === undefined)("RedisStateStore (real Redis)", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function store(
    prefix: string,
    over: Partial<ConstructorParameters<typeof RedisStateStore>[0]> = {},
  ) {
    const s = new RedisStateStore({ url: url!, keyPrefix: prefix, ...over });
    cleanups.push(() => s.close());
    expect(await s.waitUntilReady()).toBe(true);
    return s;
  }

  it("holds an rpm limit atomically across stores under concurrency", async () => {
    const prefix = uniquePrefix("rpm");
    cleanups.push(() => dropPrefix(url!, prefix));
    const [one, two] = [await store(prefix), await store(prefix)];
    const limited = { id: "d", rpm: 10, tpm: undefined };
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? one : two).acquire({
          candidates: [limited],
          now: T0,
          tokens: 0,
          withLatency: false,
        }),
      ),
    );
    expect(results.filter((r) => r.index === 0)).toHaveLength(10);
    const refused = results.find((r) => r.index === -1);
    expect(refused).toMatchObject({ limited: 1, cooling: 0, retryAt: T0 + 60_000 });
  });

  it("shares cooldowns, failure counts and usage, with keys that expire by themselves", async () => {
    const prefix = uniquePrefix("cooldown");
    cleanups.push(() => dropPrefix(url!, prefix));
    const [one, two] = [await store(prefix), await store(prefix)];
    const fail = (s: RedisStateStore) =>
      s.release({
        id: "d",
        now: T0,
        acquired: false,
        tokens: 0,
        failure: { mode: "count", allowedFails: 1, cooldownMs: 30_000 },
      });
    expect((await fail(one)).cooldownUntil).toBe(0);
    expect((await fail(two)).cooldownUntil).toBe(T0 + 30_000);
    expect(await one.cooldowns(["d", "other"], T0 + 1)).toEqual([T0 + 30_000, 0]);
    const blocked = await one.acquire({
      candidates: [{ id: "d", rpm: undefined, tpm: undefined }],
      now: T0 + 1,
      tokens: 0,
      withLatency: false,
    });
    expect(blocked).toMatchObject({ index: -1, cooling: 1, retryAt: T0 + 30_000 });
    expect(one.view("d").cooldownUntil).toBe(T0 + 30_000);

    await two.release({ id: "e", now: T0, acquired: false, tokens: 123, latencySample: 40 });
    await one.acquire({
      candidates: [{ id: "e", rpm: undefined, tpm: undefined }],
      now: T0,
      tokens: 0,
      withLatency: true,
    });
    expect(one.view("e")).toMatchObject({ tpm: 123, rpm: 1, inflight: 1, latency: 40 });

    const client = new Redis(url!);
    try {
      const keys = await client.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(await client.pttl(key)).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  });

  it("serves from local state while Redis is down, says so, and recovers", async () => {
    const prefix = uniquePrefix("outage");
    cleanups.push(() => dropPrefix(url!, prefix));
    const proxy = await redisProxy(url!);
    cleanups.push(() => proxy.down());
    const warnings: string[] = [];
    const infos: string[] = [];
    const s = await store(prefix, {
      url: proxy.url,
      commandTimeoutMs: 200,
      probeIntervalMs: 50,
      reconnectMaxDelayMs: 50,
      logger: {
        debug() {},
        info: (m) => void infos.push(m),
        warn: (m) => void warnings.push(m),
        error() {},
      },
    });
    const candidate = { id: "d", rpm: 100, tpm: undefined };
    expect(
      (await s.acquire({ candidates: [candidate], now: T0, tokens: 0, withLatency: false })).index,
    ).toBe(0);

    await proxy.down();
    await waitFor(() => !s.status().healthy);
    expect(s.status()).toMatchObject({ backend: "redis", healthy: false });
    expect(warnings.some((w) => w.includes("serving from local state"))).toBe(true);
    const local = s.acquire({ candidates: [candidate], now: T0, tokens: 0, withLatency: false });
    expect(local).not.toBeInstanceOf(Promise);
    expect((local as { index: number }).index).toBe(0);
    // Local state continues from what Redis last reported.
    expect(s.view("d").rpm).toBe(2);

    await proxy.up();
    await waitFor(() => s.status().healthy);
    expect(infos.some((m) => m.includes("Redis reachable"))).toBe(true);
    const shared = await s.acquire({
      candidates: [candidate],
      now: T0,
      tokens: 0,
      withLatency: false,
    });
    expect(shared.index).toBe(0);
    // Redis counts resume from its own value (the outage's local count is not replayed).
    expect(s.view("d").rpm).toBe(2);
  });
});
