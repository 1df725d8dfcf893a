import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { describeCacheStore } from "../__fixtures__/cache-store-contract.ts";
import { ManualClock } from "../__fixtures__/manual-clock.ts";
import {
  dropPrefix,
  freePort,
  testRedisUrl,
  uniquePrefix,
  waitUntil,
} from "../__fixtures__/redis.ts";
import { RedisServerProcess } from "../__fixtures__/redis-server-process.ts";
import type { CacheLogger } from "../util/logger.ts";
import { RedisStore, type RedisStoreOptions } from "./redis-store.ts";

const spyLogger = () => ({
  warn: vi.fn<CacheLogger["warn"]>(),
  error: vi.fn<CacheLogger["error"]>(),
});

const loggedText = (logger: ReturnType<typeof spyLogger>) =>
  JSON.stringify([logger.warn.mock.calls, logger.error.mock.calls]);

// Needs no Redis at all: nothing listens on the port.
describe("RedisStore when nothing listens", () => {
  it("answers every get as a miss and lets every set go, logging once for many failures", async () => {
    const clock = new ManualClock();
    const logger = spyLogger();
    const store = new RedisStore({
      host: "127.0.0.1",
      port: await freePort(),
      password: "s3cret-password",
      keyPrefix: uniquePrefix("nothing-listens"),
      clock,
      logger,
    });
    try {
      expect(await store.waitUntilReady(200)).toBe(false);
      for (let i = 0; i < 25; i++) {
        expect(await store.get(`k${i}`)).toBeUndefined();
        await expect(store.set(`k${i}`, "v", 60)).resolves.toBeUndefined();
      }
      expect(await store.getMany(["a", "b", "c"])).toEqual([undefined, undefined, undefined]);
      await expect(store.delete("a")).resolves.toBeUndefined();
      expect(store.status()).toEqual({ type: "redis", connected: false });
      // 50+ failed commands and the failed connects: one line for the interval.
      expect(logger.warn).toHaveBeenCalledTimes(1);

      clock.advance(60_001);
      expect(await store.get("k")).toBeUndefined();
      expect(logger.warn).toHaveBeenCalledTimes(2);
      expect(logger.warn.mock.calls[1]?.[1]).toMatchObject({ suppressed: expect.any(Number) });
      expect(logger.error).not.toHaveBeenCalled();
      expect(loggedText(logger)).not.toContain("s3cret-password");
    } finally {
      await store.close();
    }
  });

  it("bounds the wait on a caller's client that queues commands while offline", async () => {
    // ioredis's defaults: the offline queue on, 20 retries per request. Without the store's own
    // timer, these commands would wait for many reconnect attempts.
    const client = new Redis({ host: "127.0.0.1", port: await freePort(), lazyConnect: false });
    client.on("error", () => {});
    const logger = spyLogger();
    const store = new RedisStore({ client, timeoutMs: 50, logger });
    try {
      const outcomes = await Promise.all([
        store.get("k"),
        store.getMany(["a", "b"]),
        store.set("k", "v"),
        store.delete("k"),
      ]);
      expect(outcomes).toEqual([undefined, [undefined, undefined], undefined, undefined]);
      expect(logger.warn).toHaveBeenCalledTimes(1);
    } finally {
      await store.close();
      client.disconnect();
    }
  });
});

const url = testRedisUrl();

describe.skipIf(!url)("RedisStore on a real Redis (TEST_REDIS_URL)", () => {
  const redisUrl = url ?? "";
  const prefixes: string[] = [];
  const raw = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });

  afterAll(async () => {
    for (const prefix of prefixes) await dropPrefix(redisUrl, prefix);
    raw.disconnect();
  });

  /** A connected store on a prefix of its own (or the one given: the multi-instance layout). */
  const openStore = async (options: RedisStoreOptions = {}): Promise<RedisStore> => {
    const keyPrefix = options.keyPrefix ?? uniquePrefix("store");
    prefixes.push(keyPrefix);
    // The contract runs large values on a machine shared with other tests: the 50 ms default is
    // for production, not for a loaded CI box.
    const store = new RedisStore({ url: redisUrl, timeoutMs: 2000, ...options, keyPrefix });
    expect(await store.waitUntilReady()).toBe(true);
    return store;
  };

  describeCacheStore("redis", ({ clock, defaultTtlSeconds }) =>
    openStore(defaultTtlSeconds === undefined ? { clock } : { clock, defaultTtlSeconds }),
  );

  it("writes prefix + key, with the writer's expiry in the value and the ttl on the Redis key", async () => {
    const clock = new ManualClock();
    const keyPrefix = uniquePrefix("layout");
    const store = await openStore({ keyPrefix, clock });
    try {
      await store.set("k", "v", 60);
      await store.set("forever", "f");
      expect(await raw.get(`${keyPrefix}k`)).toBe(`1|${clock.now() + 60_000}|v`);
      const pttl = await raw.pttl(`${keyPrefix}k`);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(60_000);
      expect(await raw.pttl(`${keyPrefix}forever`)).toBe(-1);
    } finally {
      await store.close();
    }
  });

  it("uses llmgw:cache: as the default prefix", async () => {
    const key = `redis-store-int-test:${uniquePrefix("default")}`;
    const store = new RedisStore({ url: redisUrl, timeoutMs: 2000 });
    try {
      expect(await store.waitUntilReady()).toBe(true);
      await store.set(key, "v", 60);
      expect(await raw.get(`llmgw:cache:${key}`)).toMatch(/^1\|\d+\|v$/);
    } finally {
      await raw.del(`llmgw:cache:${key}`);
      await store.close();
    }
  });

  it("two instances on one Redis (two clients, one prefix) see each other's entries", async () => {
    const keyPrefix = uniquePrefix("shared");
    const clockA = new ManualClock();
    const clockB = new ManualClock(clockA.now());
    const a = await openStore({ keyPrefix, clock: clockA });
    const b = await openStore({ keyPrefix, clock: clockB });
    try {
      await a.set("answer", "from A");
      expect(await b.get("answer")).toBe("from A");
      await b.set("other", "from B");
      expect(await a.getMany(["other", "answer", "none"])).toEqual(["from B", "from A", undefined]);
      await b.delete("answer");
      expect(await a.get("answer")).toBeUndefined();

      // The expiry A wrote holds on B's clock too.
      await a.set("short", "s", 60);
      clockB.advance(60_000);
      expect(await b.get("short")).toBeUndefined();
      expect(await a.get("short")).toBe("s");
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("a store with another prefix does not see them", async () => {
    const a = await openStore();
    const b = await openStore();
    try {
      await a.set("k", "v");
      expect(await b.get("k")).toBeUndefined();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("does not store values over maxValueBytes (counted in UTF-8), logging once for many", async () => {
    const logger = spyLogger();
    const store = await openStore({ maxValueBytes: 1000, logger });
    try {
      await store.set("fits", "x".repeat(1000));
      await store.set("one-byte-over", `${"x".repeat(999)}é`);
      for (let i = 0; i < 10; i++) await store.set(`big${i}`, "😀".repeat(300));
      expect(await store.getMany(["fits", "one-byte-over", "big0"])).toEqual([
        "x".repeat(1000),
        undefined,
        undefined,
      ]);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn.mock.calls[0]?.[1]).toMatchObject({ maxValueBytes: 1000 });
    } finally {
      await store.close();
    }
  });

  it("stores values up to 1 MiB by default, and not one byte more", async () => {
    const store = await openStore();
    try {
      await store.set("max", "m".repeat(1024 * 1024));
      await store.set("over", "o".repeat(1024 * 1024 + 1));
      const [max, over] = await store.getMany(["max", "over"]);
      expect(max?.length).toBe(1024 * 1024);
      expect(over).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("treats a value in another layout under its prefix as a miss, logged once", async () => {
    const logger = spyLogger();
    const keyPrefix = uniquePrefix("foreign");
    const store = await openStore({ keyPrefix, logger });
    try {
      await raw.set(`${keyPrefix}k`, "written by something else");
      await raw.set(`${keyPrefix}n`, "1|notanumber|v");
      expect(await store.get("k")).toBeUndefined();
      expect(await store.getMany(["k", "n"])).toEqual([undefined, undefined]);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      await store.set("k", "mine");
      expect(await store.get("k")).toBe("mine");
    } finally {
      await store.close();
    }
  });

  it("leaves a caller's client open on close", async () => {
    const client = new Redis(redisUrl);
    const listeners = client.listenerCount("error");
    const keyPrefix = uniquePrefix("borrowed");
    prefixes.push(keyPrefix);
    const store = new RedisStore({ client, keyPrefix, timeoutMs: 2000 });
    try {
      expect(await store.waitUntilReady()).toBe(true);
      await store.set("k", "v", 60);
      expect(await store.get("k")).toBe("v");
      await store.close();
      expect(store.status().connected).toBe(false);
      expect(await client.ping()).toBe("PONG");
      expect(client.listenerCount("error")).toBe(listeners);
    } finally {
      client.disconnect();
    }
  });

  // Bounded polls (waitUntil) of up to 20 s each: generous for a loaded machine, never asserted.
  describe("with a redis-server of its own, killed and frozen mid-test", () => {
    const servers: RedisServerProcess[] = [];
    afterAll(async () => {
      await Promise.all(servers.map((server) => server.kill()));
    });

    it("serves misses while Redis is down and reconnects by itself when it is back", async () => {
      const server = await RedisServerProcess.start(await freePort());
      servers.push(server);
      const logger = spyLogger();
      const store = new RedisStore({ url: server.url, keyPrefix: uniquePrefix("killed"), logger });
      try {
        expect(await store.waitUntilReady()).toBe(true);
        await store.set("k", "before", 600);
        expect(await store.get("k")).toBe("before");

        await server.kill();
        expect(await store.get("k")).toBeUndefined();
        await expect(store.set("k2", "during", 600)).resolves.toBeUndefined();
        expect(await store.getMany(["k", "k2"])).toEqual([undefined, undefined]);
        await waitUntil("the store reports Redis down", () => !store.status().connected);
        expect(logger.warn).toHaveBeenCalled();

        await server.restart();
        await waitUntil("set and get work again", async () => {
          await store.set("k3", "after", 600);
          return (await store.get("k3")) === "after";
        });
        expect(store.status().connected).toBe(true);
        // The new server started empty (no persistence): what was set before is gone, not stale.
        expect(await store.getMany(["k", "k2", "k3"])).toEqual([undefined, undefined, "after"]);
      } finally {
        await store.close();
      }
    }, 60_000);

    it("connects by itself when Redis is down at start and comes up later", async () => {
      const port = await freePort();
      const store = new RedisStore({
        url: `redis://127.0.0.1:${port}`,
        keyPrefix: uniquePrefix("late"),
      });
      try {
        expect(await store.get("k")).toBeUndefined();
        await store.set("k", "lost", 600);
        const server = await RedisServerProcess.start(port);
        servers.push(server);
        await waitUntil("set and get work", async () => {
          await store.set("k", "v", 600);
          return (await store.get("k")) === "v";
        });
      } finally {
        await store.close();
      }
    }, 60_000);

    it("a frozen Redis (socket open, no answers) is a miss within the bounded wait, then recovers", async () => {
      const server = await RedisServerProcess.start(await freePort());
      servers.push(server);
      const logger = spyLogger();
      const store = new RedisStore({
        url: server.url,
        keyPrefix: uniquePrefix("frozen"),
        maxPendingCommands: 4,
        logIntervalMs: 0,
        logger,
      });
      try {
        expect(await store.waitUntilReady()).toBe(true);
        await waitUntil("a first set lands", async () => {
          await store.set("k", "v", 600);
          return (await store.get("k")) === "v";
        });

        server.pause();
        expect(await store.get("k")).toBeUndefined();
        await expect(store.set("k2", "v2", 600)).resolves.toBeUndefined();
        // More commands than may wait unanswered: the extra ones are not even sent.
        const many = await Promise.all(Array.from({ length: 8 }, (_, i) => store.get(`m${i}`)));
        expect(many).toEqual(Array(8).fill(undefined));
        const messages = logger.warn.mock.calls.map(([message]) => message);
        expect(messages.some((m) => m.includes("timed out"))).toBe(true);
        expect(messages.some((m) => m.includes("too many unanswered"))).toBe(true);

        server.resume();
        await waitUntil("the store answers again", async () => (await store.get("k")) === "v");
        await store.set("k3", "v3", 600);
        expect(await store.get("k3")).toBe("v3");
      } finally {
        server.resume();
        await store.close();
      }
    }, 60_000);
  });
});
