import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import {
  dropPrefix,
  redisProxy,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from "../__fixtures__/redis.ts";
import { RedisStateStore, type RedisStateStoreOptions } from "./redis-state-store.ts";
import type { AcquireInput, DeploymentLimits } from "./state-store.ts";

const url = testRedisUrl();
const T0 = 60_000 * 29_000_000;
const free: DeploymentLimits = { id: "d", rpm: undefined, tpm: undefined };

/** The default strategy (simple-shuffle) over deployments without limits. */
const pick = (candidates: DeploymentLimits[], now = T0): AcquireInput => ({
  candidates,
  now,
  tokens: 0,
  withLatency: false,
  sharedCounts: false,
});

/**
 * Picks without a round trip: the default strategy over deployments without rpm/tpm limits needs
 * only cooldowns, which reach every instance by PUBLISH (and a periodic read). Whatever Redis
 * must hold across instances (limits, shared counts, failure counts, in-flight reservations)
 * still goes through it.
 */
describe.skipIf(url === undefined)("RedisStateStore local picks (real Redis)", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** A store on its own client, whose script calls are counted. */
  async function store(prefix: string, over: Partial<RedisStateStoreOptions> = {}) {
    const client = new Redis(over.url ?? url!, {
      enableAutoPipelining: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 300,
      retryStrategy: () => 50,
    });
    const scripts = { count: 0 };
    const send = client.sendCommand.bind(client);
    client.sendCommand = ((command: { name: string }) => {
      if (command.name === "evalsha" || command.name === "eval") scripts.count++;
      return send(command as never);
    }) as typeof client.sendCommand;
    const s = new RedisStateStore({
      client,
      keyPrefix: prefix,
      probeIntervalMs: 50,
      ...over,
    });
    cleanups.push(async () => {
      await s.close();
      client.disconnect();
    });
    await waitFor(() => client.status === "ready");
    expect(await s.waitUntilReady()).toBe(true);
    return { s, scripts };
  }

  /** Acquires until the store picks locally (the first pick of a deployment goes to Redis). */
  async function warm(s: RedisStateStore, candidates: DeploymentLimits[]) {
    for (const c of candidates) {
      const r = await s.acquire(pick([c]));
      await s.release({ id: c.id, now: T0, acquired: r.index === 0, tokens: 0 });
    }
    // Until then each pick goes to Redis: give those back there (the mirror goes live only once
    // its subscription is confirmed and a read of the cooldowns has answered).
    const deadline = Date.now() + 5000;
    let local: number;
    for (;;) {
      const r = s.acquire(pick(candidates));
      if (!(r instanceof Promise)) {
        local = r.index;
        break;
      }
      const { index } = await r;
      if (index >= 0) {
        await s.release({ id: candidates[index]!.id, now: T0, acquired: true, tokens: 0 });
      }
      if (Date.now() > deadline) throw new Error("never picked locally");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // That last pick was local: give it back (locally: nothing of it is in Redis).
    if (local >= 0) s.release({ id: candidates[local]!.id, now: T0, acquired: true, tokens: 0 });
  }

  it("after the first pick, a successful attempt makes no Redis call, and the in-flight count in Redis is given back", async () => {
    const prefix = uniquePrefix("local-picks");
    cleanups.push(() => dropPrefix(url!, prefix));
    const { s, scripts } = await store(prefix);
    const first = s.acquire(pick([free]));
    expect(first).toBeInstanceOf(Promise);
    expect((await first).index).toBe(0);
    await warm(s, [free]);
    // The first pick's reservation, released after the mirror took over, still went to Redis.
    await s.release({ id: "d", now: T0, acquired: true, tokens: 5 });
    const inspect = new Redis(url!);
    cleanups.push(async () => void inspect.disconnect());
    expect(await inspect.get(`${prefix}inflight:d`)).toBeNull();

    const before = scripts.count;
    for (let i = 0; i < 50; i++) {
      const r = s.acquire(pick([free]));
      expect(r).not.toBeInstanceOf(Promise);
      expect((r as { index: number }).index).toBe(0);
      const released = s.release({ id: "d", now: T0, acquired: true, tokens: 3 });
      expect(released).not.toBeInstanceOf(Promise);
    }
    expect(scripts.count).toBe(before);
    expect(s.view("d").inflight).toBe(0);
  });

  it("a cooldown another instance starts reaches this one by PUBLISH, without waiting for the periodic read", async () => {
    const prefix = uniquePrefix("local-cooldown");
    cleanups.push(() => dropPrefix(url!, prefix));
    // The periodic read is an hour away: only the published message can bring the cooldown.
    const one = await store(prefix, { cooldownRefreshMs: 3_600_000 });
    const two = await store(prefix, { cooldownRefreshMs: 3_600_000 });
    await warm(one.s, [free]);
    const failed = await two.s.release({
      id: "d",
      now: T0,
      acquired: false,
      tokens: 0,
      failure: { mode: "immediate", allowedFails: 0, cooldownMs: 30_000 },
    });
    expect(failed.cooldownUntil).toBe(T0 + 30_000);
    await waitFor(() => one.s.view("d").cooldownUntil === T0 + 30_000);
    const refused = one.s.acquire(pick([free], T0 + 1));
    expect(refused).not.toBeInstanceOf(Promise);
    expect(refused).toMatchObject({ index: -1, cooling: 1, retryAt: T0 + 30_000 });
    const after = one.s.acquire(pick([free], T0 + 30_000));
    expect(after).toMatchObject({ index: 0 });
  });

  it("failures picked locally are still counted across instances", async () => {
    const prefix = uniquePrefix("local-fails");
    cleanups.push(() => dropPrefix(url!, prefix));
    const one = await store(prefix);
    const two = await store(prefix);
    await warm(one.s, [free]);
    await warm(two.s, [free]);
    const fail = (s: RedisStateStore) => {
      const r = s.acquire(pick([free]));
      expect(r).toMatchObject({ index: 0 });
      return s.release({
        id: "d",
        now: T0,
        acquired: true,
        tokens: 0,
        failure: { mode: "count", allowedFails: 1, cooldownMs: 30_000 },
      });
    };
    // One failure each: neither instance alone passed allowed_fails, together they did.
    expect((await fail(one.s)).cooldownUntil).toBe(0);
    expect((await fail(two.s)).cooldownUntil).toBe(T0 + 30_000);
    await waitFor(() => one.s.view("d").cooldownUntil === T0 + 30_000);
    // Nothing was reserved in Redis for these picks, so nothing was taken back there either.
    const inspect = new Redis(url!);
    cleanups.push(async () => void inspect.disconnect());
    expect(await inspect.get(`${prefix}inflight:d`)).toBeNull();
  });

  it("a cooldown whose message was missed is read again within the refresh interval", async () => {
    const prefix = uniquePrefix("local-refresh");
    cleanups.push(() => dropPrefix(url!, prefix));
    const { s } = await store(prefix, { cooldownRefreshMs: 50 });
    await warm(s, [free]);
    // Written behind the store's back: no PUBLISH, as if the message was lost.
    const writer = new Redis(url!);
    cleanups.push(async () => void writer.disconnect());
    await writer.set(`${prefix}cooldown:d`, String(T0 + 10_000), "PX", 10_000);
    await waitFor(() => s.view("d").cooldownUntil === T0 + 10_000);
    expect(s.acquire(pick([free], T0 + 1))).toMatchObject({ index: -1, cooling: 1 });
  });

  it("limits, strategies that rank on shared counts and latency still go to Redis on every pick", async () => {
    const prefix = uniquePrefix("local-shared");
    cleanups.push(() => dropPrefix(url!, prefix));
    const { s, scripts } = await store(prefix);
    await warm(s, [free]);
    const limited: DeploymentLimits = { id: "d", rpm: 100, tpm: undefined };
    const calls = [
      pick([limited]),
      pick([free, { id: "e", rpm: undefined, tpm: 1000 }]),
      { ...pick([free]), sharedCounts: true },
      { ...pick([free]), withLatency: true },
      // Not said: the safe default is the shared path.
      { candidates: [free], now: T0, tokens: 0, withLatency: false },
    ];
    for (const input of calls) {
      const before = scripts.count;
      const r = s.acquire(input);
      expect(r).toBeInstanceOf(Promise);
      await r;
      expect(scripts.count).toBe(before + 1);
    }
  });

  it("stops picking locally while its subscription is down, and resumes when it is back", async () => {
    const prefix = uniquePrefix("local-reconnect");
    cleanups.push(() => dropPrefix(url!, prefix));
    const proxy = await redisProxy(url!);
    cleanups.push(() => proxy.down());
    const { s } = await store(prefix, { url: proxy.url, reconnectMaxDelayMs: 50 });
    await warm(s, [free]);
    await proxy.down();
    await waitFor(() => !s.status().healthy);
    // Degraded: local state, as before this change.
    expect(s.acquire(pick([free]))).toMatchObject({ index: 0 });
    s.release({ id: "d", now: T0, acquired: true, tokens: 0 });

    // A cooldown started while this instance was cut off is read when it is back.
    const writer = new Redis(url!);
    cleanups.push(async () => void writer.disconnect());
    await writer.set(`${prefix}cooldown:d`, String(T0 + 10_000), "PX", 10_000);
    await proxy.up();
    await waitFor(() => s.status().healthy);
    await waitFor(() => s.view("d").cooldownUntil === T0 + 10_000);
    await waitFor(() => !(s.acquire(pick([free], T0 + 1)) instanceof Promise));
    expect(s.acquire(pick([free], T0 + 1))).toMatchObject({ index: -1, cooling: 1 });
  });

  it("a deployment's first pick reads its cooldown before any pick of it goes local", async () => {
    const prefix = uniquePrefix("local-first");
    cleanups.push(() => dropPrefix(url!, prefix));
    const { s } = await store(prefix);
    await warm(s, [free]);
    // Another deployment, cooling down since before this instance first saw it.
    const other: DeploymentLimits = { id: "e", rpm: undefined, tpm: undefined };
    const writer = new Redis(url!);
    cleanups.push(async () => void writer.disconnect());
    await writer.set(`${prefix}cooldown:e`, String(T0 + 10_000), "PX", 10_000);
    // Two picks in one burst: the second must not go local before the first one's reply.
    const first = s.acquire(pick([other], T0 + 1));
    const second = s.acquire(pick([other], T0 + 1));
    expect(await first).toMatchObject({ index: -1, cooling: 1 });
    expect(await second).toMatchObject({ index: -1, cooling: 1 });
  });

  /** A Redis user with rights on the prefix's keys but on no channel (Redis 7's default for a new user). */
  async function userWithoutChannels(prefix: string): Promise<string> {
    const admin = new Redis(url!);
    const name = `${prefix}user`;
    await admin.call("ACL", "SETUSER", name, "on", ">pw", `~${prefix}*`, "+@all", "resetchannels");
    cleanups.push(async () => {
      await admin.call("ACL", "DELUSER", name);
      admin.disconnect();
    });
    const userUrl = new URL(url!);
    userUrl.username = name;
    userUrl.password = "pw";
    return userUrl.toString();
  }

  it("a cooldown whose PUBLISH Redis refuses is still started, and the store stays healthy", async () => {
    const prefix = uniquePrefix("local-nopub");
    cleanups.push(() => dropPrefix(url!, prefix));
    const { s } = await store(prefix, { url: await userWithoutChannels(prefix) });
    const failed = await s.release({
      id: "d",
      now: T0,
      acquired: false,
      tokens: 0,
      failure: { mode: "immediate", allowedFails: 0, cooldownMs: 30_000 },
    });
    expect(failed.cooldownUntil).toBe(T0 + 30_000);
    // A refused PUBLISH failed the whole release script: every cooldown degraded the store.
    expect(s.status().healthy).toBe(true);
  });

  it("never picks locally when Redis refuses its subscription", async () => {
    const prefix = uniquePrefix("local-nosub");
    cleanups.push(() => dropPrefix(url!, prefix));
    const { s, scripts } = await store(prefix, { url: await userWithoutChannels(prefix) });
    await s.acquire(pick([free]));
    // Long enough for the subscriber to connect and be refused, and for a refresh to answer.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = scripts.count;
    const r = s.acquire(pick([free]));
    expect(r).toBeInstanceOf(Promise);
    await r;
    expect(scripts.count).toBe(before + 1);
  });

  it("a call picked locally and released while the subscription is down takes nothing from Redis's in-flight count", async () => {
    const prefix = uniquePrefix("local-subdown");
    cleanups.push(() => dropPrefix(url!, prefix));
    // The subscriber alone goes through a proxy that the test takes down.
    const proxy = await redisProxy(url!);
    cleanups.push(() => proxy.down());
    const client = new Redis(url!, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    client.duplicate = (override) => new Redis(proxy.url, { ...override, retryStrategy: () => 50 });
    const s = new RedisStateStore({ client, keyPrefix: prefix, probeIntervalMs: 50 });
    cleanups.push(async () => {
      await s.close();
      client.disconnect();
    });
    expect(await s.waitUntilReady()).toBe(true);
    await warm(s, [free]);
    const local = s.acquire(pick([free]));
    expect(local).toMatchObject({ index: 0 });
    // Another instance's call, counted in Redis.
    const other = await store(prefix);
    expect(await other.s.acquire(pick([free]))).toMatchObject({ index: 0 });
    const inspect = new Redis(url!);
    cleanups.push(async () => void inspect.disconnect());
    expect(await inspect.get(`${prefix}inflight:d`)).toBe("1");
    await proxy.down();
    // Picks go through Redis again once the store notices (the local probes give back locally).
    let probe: ReturnType<typeof s.acquire> = { index: 0, cooling: 0, limited: 0, retryAt: T0 };
    await waitFor(() => {
      probe = s.acquire(pick([free], T0));
      if (probe instanceof Promise) return true;
      s.release({ id: "d", now: T0, acquired: false, tokens: 0 });
      return false;
    });
    expect(await probe).toMatchObject({ index: 0 });
    await s.release({ id: "d", now: T0, acquired: true, tokens: 0 });
    expect(await inspect.get(`${prefix}inflight:d`)).toBe("1");
    // The call picked locally before the drop ends now: nothing of it is in Redis.
    await s.release({ id: "d", now: T0, acquired: true, tokens: 0 });
    expect(await inspect.get(`${prefix}inflight:d`)).toBe("1");
  });

  it("a shared pick's reply, read before a cooldown was published, does not undo it", async () => {
    const prefix = uniquePrefix("local-stale");
    cleanups.push(() => dropPrefix(url!, prefix));
    // A client whose script replies can be held back: the script has run (and read no
    // cooldown) when the cooldown is published and applied; its reply arrives after.
    const client = new Redis(url!, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    let gate: Promise<void> | undefined;
    const send = client.sendCommand.bind(client);
    client.sendCommand = ((command: { name: string }) => {
      const result = send(command as never) as Promise<unknown>;
      const held = gate;
      if (held === undefined || command.name !== "evalsha") return result;
      return result.then(async (reply) => {
        await held;
        return reply;
      });
    }) as typeof client.sendCommand;
    const s = new RedisStateStore({ client, keyPrefix: prefix, cooldownRefreshMs: 3_600_000 });
    const other = await store(prefix, { cooldownRefreshMs: 3_600_000 });
    cleanups.push(async () => {
      await s.close();
      client.disconnect();
    });
    await waitFor(() => client.status === "ready");
    const a = { id: "a", rpm: undefined, tpm: undefined };
    const c = { id: "c", rpm: undefined, tpm: undefined };
    await warm(s, [a]);
    // c is not followed yet: this pick goes through Redis, and its reply carries a's cooldown.
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    const shared = s.acquire(pick([a, c]));
    expect(shared).toBeInstanceOf(Promise);
    await new Promise((r) => setTimeout(r, 50)); // the script has run
    gate = undefined;
    await other.s.release({
      id: "a",
      now: T0,
      acquired: false,
      tokens: 0,
      failure: { mode: "immediate", allowedFails: 0, cooldownMs: 30_000 },
    });
    await waitFor(() => s.view("a").cooldownUntil === T0 + 30_000);
    open();
    const { index } = await shared;
    // Checked before the release, whose own reply reads the cooldown again.
    expect(s.view("a").cooldownUntil).toBe(T0 + 30_000);
    // The pick itself was made before the cooldown (the script ran first): a is a fair answer.
    await s.release({ id: [a, c][index]!.id, now: T0, acquired: true, tokens: 0 });
  });

  it("follows at most maxWatched deployments; the others keep going through Redis", async () => {
    const prefix = uniquePrefix("local-cap");
    cleanups.push(() => dropPrefix(url!, prefix));
    // Client-chosen ids (wildcard routes) must not grow the followed set without bound.
    const { s, scripts } = await store(prefix, { cooldownMaxWatched: 2 });
    const ids = ["a", "b", "c"].map((id) => ({ id, rpm: undefined, tpm: undefined }));
    await warm(s, ids.slice(0, 2));
    for (let i = 0; i < 3; i++) await s.acquire(pick([ids[2]!]));
    const before = scripts.count;
    expect(s.acquire(pick([ids[0]!]))).not.toBeInstanceOf(Promise);
    const third = s.acquire(pick([ids[2]!]));
    expect(third).toBeInstanceOf(Promise);
    await third;
    expect(scripts.count).toBe(before + 1);
  });

  it("stops following a deployment no pick used for a while, unless a call on it is in flight", async () => {
    const prefix = uniquePrefix("local-idle");
    cleanups.push(() => dropPrefix(url!, prefix));
    // Refreshes every 20 ms, idle after 100 ms (5 refreshes, and the sweep runs that often).
    const { s, scripts } = await store(prefix, {
      cooldownMaxWatched: 2,
      cooldownRefreshMs: 20,
      cooldownIdleMs: 100,
    });
    const [a, b, c] = ["a", "b", "c"].map((id) => ({ id, rpm: undefined, tpm: undefined }));
    await warm(s, [a!, b!]);
    // A call on b stays in flight, picked locally.
    const held = s.acquire(pick([b!]));
    expect(held).not.toBeInstanceOf(Promise);
    // c finds no place while a and b are followed.
    await s.acquire(pick([c!]));
    const third = s.acquire(pick([c!]));
    expect(third).toBeInstanceOf(Promise);
    await third;
    // After the sweep a is forgotten (idle, nothing in flight): its next pick goes through Redis
    // as a first one; b, with its call in flight, is still followed.
    await new Promise((r) => setTimeout(r, 600));
    const before = scripts.count;
    const again = s.acquire(pick([a!]));
    expect(again).toBeInstanceOf(Promise);
    const { index } = await again;
    await s.release({ id: "a", now: T0, acquired: index === 0, tokens: 0 });
    expect(scripts.count).toBeGreaterThan(before);
    expect(s.acquire(pick([b!]))).not.toBeInstanceOf(Promise);
    await s.release({ id: "b", now: T0, acquired: true, tokens: 0 });
    await s.release({ id: "b", now: T0, acquired: true, tokens: 0 });
    // Nothing of b's local calls reached Redis.
    const inspect = new Redis(url!);
    cleanups.push(async () => void inspect.disconnect());
    expect(await inspect.get(`${prefix}inflight:b`)).toBeNull();
  });
});
