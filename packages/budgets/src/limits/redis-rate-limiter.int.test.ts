import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { dropPrefix, integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { describeLimiterContract, descriptor } from "../__fixtures__/limiter-contract.ts";
import { replyCuttingProxy } from "../__fixtures__/reply-cutting-proxy.ts";
import { createRedisRateLimiter } from "./redis-rate-limiter.ts";

const url = integrationUrl("TEST_REDIS_URL");

describe.skipIf(!url)("Redis rate limiter (TEST_REDIS_URL)", () => {
  const prefix = uniquePrefix("limits");
  const clients: Redis[] = [];
  const client = () => {
    const redis = new Redis(url!);
    clients.push(redis);
    return redis;
  };
  afterAll(async () => {
    const admin = client();
    await dropPrefix(admin, prefix);
    for (const c of clients) c.disconnect();
  });

  describeLimiterContract("redis", () =>
    createRedisRateLimiter({ redis: client(), keyPrefix: prefix }),
  );

  it("enforces one rpm limit across two instances", async () => {
    const a = createRedisRateLimiter({ redis: client(), keyPrefix: prefix });
    const b = createRedisRateLimiter({ redis: client(), keyPrefix: prefix });
    const key = descriptor({ rpm: 10 });
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? a : b).acquire({ id: `r${i}`, descriptors: [key], tokens: 0, now }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
  });

  // Instances' clocks differ by a few ms (and a command can wait out a reconnect): at a minute's
  // turn one instance's request can arrive for the window another has already left.
  it("a request stamped in the window before keeps the newer window's counts (two clocks)", async () => {
    const ahead = createRedisRateLimiter({ redis: client(), keyPrefix: prefix });
    const behind = createRedisRateLimiter({ redis: client(), keyPrefix: prefix });
    const key = descriptor({ rpm: 2, tpm: 1_000 });
    const turn = Math.ceil(Date.now() / 60_000) * 60_000;
    const acquire = (l: typeof ahead, id: string, now: number, tokens = 10) =>
      l.acquire({ id: `${id}-${key.id}`, descriptors: [key], tokens, now });
    const a = await acquire(ahead, "a", turn + 5);
    const b = await acquire(ahead, "b", turn + 6);
    expect([a.ok, b.ok]).toEqual([true, true]);
    // 20 ms behind: still in the last minute by its clock. Before: it reset the counters to
    // that minute (q 0), and the next request of the new minute reset them again: both admitted.
    const late = await acquire(behind, "late", turn - 15);
    const c = await acquire(ahead, "c", turn + 30);
    expect([late.ok, c.ok]).toEqual([false, false]);
    const counts = await client().hgetall(`${prefix}r:${key.id}`);
    expect(counts).toMatchObject({ w: String(turn), q: "2", t: "20" });
    // A late request the limits admit is counted in the newer window, and released there.
    const roomy = descriptor({ rpm: 10, tpm: 1_000 });
    const first = await ahead.acquire({
      id: `f-${roomy.id}`,
      descriptors: [roomy],
      tokens: 10,
      now: turn + 5,
    });
    const second = await behind.acquire({
      id: `s-${roomy.id}`,
      descriptors: [roomy],
      tokens: 10,
      now: turn - 15,
    });
    if (!first.ok || !second.ok) throw new Error("refused");
    expect(second.lease.window).toBe(turn);
    await behind.release(second.lease, { tokens: 40, now: turn - 5 });
    await ahead.release(first.lease, { tokens: 0, now: turn + 50, rollback: true });
    expect(await client().hgetall(`${prefix}r:${roomy.id}`)).toMatchObject({
      w: String(turn),
      q: "1",
      t: "40",
    });
  });

  /**
   * ioredis re-sends a script whose reply a reconnect lost: through a proxy that cuts the
   * connection once the script ran, the same acquire or release runs twice in Redis.
   */
  describe("a script re-sent after its reply was lost", () => {
    const counts = async (d: { id: string }) => {
      const h = await client().hgetall(`${prefix}r:${d.id}`);
      return { q: Number(h.q), t: Number(h.t) };
    };
    const proxied = async () => {
      const proxy = await replyCuttingProxy(url!);
      // As the gateway connects (build-budgets.ts), re-sending left at ioredis's default.
      const redis = new Redis(proxy.url, { maxRetriesPerRequest: 2 });
      clients.push(redis);
      const limiter = createRedisRateLimiter({ redis, keyPrefix: prefix });
      const warm = descriptor({ rpm: 100 });
      // Loads both scripts: the lost replies below are theirs, not a NOSCRIPT.
      const lease = await limiter.acquire({
        id: `warm-${warm.id}`,
        descriptors: [warm],
        tokens: 0,
        now: Date.now(),
      });
      if (lease.ok) await limiter.release(lease.lease, { tokens: 0, now: Date.now() });
      const close = async () => {
        redis.disconnect();
        await proxy.close();
      };
      return { proxy, limiter, close };
    };

    it("an acquire counts once and answers as its first run did, even at the limit", async () => {
      const { proxy, limiter, close } = await proxied();
      const key = descriptor({ rpm: 2, tpm: 1_000 });
      const now = Date.now();
      expect(
        (await limiter.acquire({ id: `a-${key.id}`, descriptors: [key], tokens: 10, now })).ok,
      ).toBe(true);
      // The second request takes the last slot; its re-send must not be refused by it.
      proxy.loseReplyOfNext(`b-${key.id}`);
      const second = await limiter.acquire({
        id: `b-${key.id}`,
        descriptors: [key],
        tokens: 10,
        now,
      });
      expect(proxy.cuts).toBe(1);
      expect(second).toMatchObject({
        ok: true,
        remaining: {
          requests: { remaining: 0, limit: 2 },
          tokens: { remaining: 980, limit: 1_000 },
        },
      });
      expect(await counts(key)).toEqual({ q: 2, t: 20 });
      // The limit still holds for the next one.
      expect(
        (await limiter.acquire({ id: `c-${key.id}`, descriptors: [key], tokens: 10, now })).ok,
      ).toBe(false);
      await close();
    });

    it("a release counts the tokens once and frees the parallel slot", async () => {
      const { proxy, limiter, close } = await proxied();
      const key = descriptor({ tpm: 1_000, maxParallel: 1 });
      const now = Date.now();
      const first = await limiter.acquire({
        id: `a-${key.id}`,
        descriptors: [key],
        tokens: 10,
        now,
      });
      if (!first.ok) throw new Error("refused");
      proxy.loseReplyOfNext(`a-${key.id}`);
      await limiter.release(first.lease, { tokens: 25, now });
      expect(proxy.cuts).toBe(1);
      expect(await counts(key)).toEqual({ q: 1, t: 25 });
      expect(
        (await limiter.acquire({ id: `b-${key.id}`, descriptors: [key], tokens: 0, now })).ok,
      ).toBe(true);
      await close();
    });

    // The budget refused after the limits admitted: the lease is rolled back. A re-sent
    // rollback un-counted the request twice (q below zero), admitting one more past rpm.
    it("a rollback un-counts the request once", async () => {
      const { proxy, limiter, close } = await proxied();
      const key = descriptor({ rpm: 1, tpm: 1_000 });
      const now = Date.now();
      const acquire = (id: string) =>
        limiter.acquire({ id: `${id}-${key.id}`, descriptors: [key], tokens: 10, now });
      const admitted = await acquire("a");
      if (!admitted.ok) throw new Error("refused");
      proxy.loseReplyOfNext(`a-${key.id}`);
      await limiter.release(admitted.lease, { tokens: 0, now, rollback: true });
      expect(proxy.cuts).toBe(1);
      expect(await counts(key)).toEqual({ q: 0, t: 0 });
      expect([(await acquire("b")).ok, (await acquire("c")).ok]).toEqual([true, false]);
      await close();
    });

    // A request longer than the marker's two minutes, or a Redis that restarted empty between
    // the acquire and the release, finds no marker: released as usual, and a re-send of that
    // release (the marker is the release's own from then on) still counts nothing twice.
    it("a release that finds no marker releases, and its re-send changes nothing", async () => {
      const { proxy, limiter, close } = await proxied();
      const key = descriptor({ tpm: 1_000, maxParallel: 1 });
      const now = Date.now();
      const first = await limiter.acquire({
        id: `a-${key.id}`,
        descriptors: [key],
        tokens: 10,
        now,
      });
      if (!first.ok) throw new Error("refused");
      expect(await client().del(`${prefix}lease:a-${key.id}`)).toBe(1);
      proxy.loseReplyOfNext(`a-${key.id}`);
      await limiter.release(first.lease, { tokens: 25, now });
      expect(proxy.cuts).toBe(1);
      expect(await counts(key)).toEqual({ q: 1, t: 25 });
      expect(await client().get(`${prefix}lease:a-${key.id}`)).toBe("released");
      expect(
        (await limiter.acquire({ id: `b-${key.id}`, descriptors: [key], tokens: 0, now })).ok,
      ).toBe(true);
      await close();
    });

    it("an id used again by a later request is counted as a new request", async () => {
      const limiter = createRedisRateLimiter({ redis: client(), keyPrefix: prefix });
      const key = descriptor({ rpm: 2 });
      const now = Date.now();
      const first = await limiter.acquire({
        id: `same-${key.id}`,
        descriptors: [key],
        tokens: 0,
        now,
      });
      if (!first.ok) throw new Error("refused");
      await limiter.release(first.lease, { tokens: 0, now });
      const again = await limiter.acquire({
        id: `same-${key.id}`,
        descriptors: [key],
        tokens: 0,
        now: now + 1,
      });
      expect(again).toMatchObject({
        ok: true,
        remaining: { requests: { remaining: 0, limit: 2 } },
      });
      expect(
        (
          await limiter.acquire({
            id: `other-${key.id}`,
            descriptors: [key],
            tokens: 0,
            now: now + 2,
          })
        ).ok,
      ).toBe(false);
      if (again.ok) await limiter.release(again.lease, { tokens: 5, now: now + 3 });
      expect(await counts(key)).toEqual({ q: 2, t: 5 });
    });
  });

  it("takes back an acquire whose answer was lost only if it ran, in the window it counted in", async () => {
    const limiter = createRedisRateLimiter({ redis: client(), keyPrefix: prefix });
    const key = descriptor({ rpm: 5, maxParallel: 1 });
    const now = Date.now();
    const counts = async () => {
      const h = await client().hgetall(`${prefix}r:${key.id}`);
      return { q: Number(h.q ?? 0), slots: await client().zcard(`${prefix}rp:${key.id}`) };
    };
    // A guess: the caller never got the answer, so it does not know the window either.
    const guess = (id: string) => ({ id, descriptors: [key], window: 0, tokens: 0 });
    const takeBack = { tokens: 0, now, rollback: true, onlyIfAcquired: true } as const;

    // Never ran: nothing to take back (a plain rollback would un-count another request).
    expect(
      (await limiter.acquire({ id: `kept-${key.id}`, descriptors: [key], tokens: 0, now })).ok,
    ).toBe(true);
    await limiter.release(guess(`never-${key.id}`), takeBack);
    expect(await counts()).toEqual({ q: 1, slots: 1 });
    const kept = await limiter.acquire({
      id: `kept-${key.id}`,
      descriptors: [key],
      tokens: 0,
      now,
    });
    if (kept.ok) await limiter.release(kept.lease, { tokens: 0, now });

    // Ran: un-counted and its slot freed, once.
    expect(
      (await limiter.acquire({ id: `ran-${key.id}`, descriptors: [key], tokens: 0, now })).ok,
    ).toBe(true);
    await limiter.release(guess(`ran-${key.id}`), takeBack);
    await limiter.release(guess(`ran-${key.id}`), takeBack);
    expect(await counts()).toEqual({ q: 1, slots: 0 });
  });
});
