import { randomUUID } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { base, describeVectorIndex, vectorAt } from "../__fixtures__/vector-index-contract.ts";
import { testRedisUrl } from "../__fixtures__/redis.ts";
import type { CacheLogger } from "../util/logger.ts";
import {
  RedisSyncedVectorIndex,
  type RedisSyncedVectorIndexOptions,
} from "./redis-synced-index.ts";

const url = testRedisUrl();
const prefixes: string[] = [];
const uniquePrefix = () => {
  const prefix = `test:cache:semantic:${randomUUID()}:`;
  prefixes.push(prefix);
  return prefix;
};

async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A TCP proxy in front of Redis that a test takes down and brings back on the same port. */
async function redisProxy(target: string) {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const remote = connect(Number(upstream.port || 6379), upstream.hostname);
        sockets.add(client).add(remote);
        const close = () => {
          client.destroy();
          remote.destroy();
          sockets.delete(client);
          sockets.delete(remote);
        };
        client.on("error", close).on("close", close);
        remote.on("error", close).on("close", close);
        client.pipe(remote);
        remote.pipe(client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });
  await listen();
  const proxied = new URL(target);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(port);
  return {
    url: proxied.toString(),
    async down() {
      const s = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (s !== undefined) await new Promise((resolve) => s.close(resolve));
    },
    up: listen,
  };
}

describe.skipIf(!url)("RedisSyncedVectorIndex (TEST_REDIS_URL)", () => {
  afterAll(async () => {
    const redis = new Redis(url!);
    for (const prefix of prefixes) await redis.del(`${prefix}semantic:stream`);
    redis.disconnect();
  });

  const open: RedisSyncedVectorIndex[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((index) => index.close()));
  });
  const start = async (options: Partial<RedisSyncedVectorIndexOptions> & { keyPrefix: string }) => {
    const index = new RedisSyncedVectorIndex({ connection: url!, blockMs: 500, ...options });
    open.push(index);
    await index.ready();
    return index;
  };

  describeVectorIndex("RedisSyncedVectorIndex", async () => {
    const index = new RedisSyncedVectorIndex({
      connection: url!,
      keyPrefix: uniquePrefix(),
      blockMs: 500,
    });
    await index.ready();
    return index;
  });

  it("an entry added on one instance is found on another, and a removal follows it", async () => {
    const keyPrefix = uniquePrefix();
    const a = await start({ keyPrefix });
    const b = await start({ keyPrefix });
    await a.add({ partition: "p", key: "answer-1", vector: base(0), expiresAt: Infinity });
    const found = await eventually(
      () => b.nearest("p", vectorAt(0.98), 0.95, Date.now()),
      (match) => match !== undefined,
    );
    expect(found?.key).toBe("answer-1");
    expect(found?.similarity).toBeCloseTo(0.98, 4);
    expect(await b.nearest("other-partition", base(0), 0.5, Date.now())).toBeUndefined();

    await b.remove("p", "answer-1");
    const gone = await eventually(
      () => a.nearest("p", base(0), 0.5, Date.now()),
      (match) => match === undefined,
    );
    expect(gone).toBeUndefined();
  });

  it("two instances writing the same key end with the same entry (the stream's order decides)", async () => {
    const keyPrefix = uniquePrefix();
    const a = await start({ keyPrefix });
    const b = await start({ keyPrefix });
    await Promise.all([
      a.add({ partition: "p", key: "k", vector: base(0), expiresAt: Infinity }),
      b.add({ partition: "p", key: "k", vector: base(4), expiresAt: Infinity }),
    ]);
    await a.add({ partition: "p", key: "marker", vector: base(9), expiresAt: Infinity });
    await eventually(
      () => b.nearest("p", base(9), 0.99, Date.now()),
      (match) => match !== undefined,
    );
    await eventually(
      () => a.nearest("p", base(9), 0.99, Date.now()),
      (match) => match !== undefined,
    );
    const onA = (await a.nearest("p", base(0), 0.99, Date.now()))?.key ?? "axis-4";
    const onB = (await b.nearest("p", base(0), 0.99, Date.now()))?.key ?? "axis-4";
    expect(onA).toBe(onB);
  });

  it("an instance started later loads the existing entries (over several pages), not the expired ones", async () => {
    const keyPrefix = uniquePrefix();
    const a = await start({ keyPrefix });
    const now = Date.now();
    for (let i = 0; i < 12; i++) {
      await a.add({
        partition: "p",
        key: `k${i}`,
        vector: vectorAt(Math.cos(i / 4)),
        expiresAt: Infinity,
      });
    }
    await a.add({ partition: "p", key: "expired", vector: base(7), expiresAt: now - 1 });
    await a.remove("p", "k3");
    const c = await start({ keyPrefix, pageSize: 5 });
    expect(c.size()).toBe(11);
    expect((await c.nearest("p", vectorAt(Math.cos(11 / 4)), 0.9999, Date.now()))?.key).toBe("k11");
    expect(await c.nearest("p", vectorAt(Math.cos(3 / 4)), 0.9999, Date.now())).not.toMatchObject({
      key: "k3",
    });
    expect(await c.nearest("p", base(7), 0.5, 0)).toBeUndefined();
  });

  it("keeps answering while Redis is down, and catches up from its last id when it returns", async () => {
    const keyPrefix = uniquePrefix();
    const proxy = await redisProxy(url!);
    const lines: string[] = [];
    const logger: CacheLogger = { warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const a = await start({ keyPrefix, connection: proxy.url, logger, publishTimeoutMs: 100 });
    const b = await start({ keyPrefix });
    await b.add({ partition: "p", key: "before", vector: base(0), expiresAt: Infinity });
    await eventually(
      () => a.nearest("p", base(0), 0.99, Date.now()),
      (match) => match !== undefined,
    );

    await proxy.down();
    await expect(
      a.add({ partition: "p", key: "during-a", vector: base(1), expiresAt: Infinity }),
    ).resolves.toBeUndefined();
    await expect(a.remove("p", "nothing")).resolves.toBeUndefined();
    expect((await a.nearest("p", base(1), 0.99, Date.now()))?.key).toBe("during-a");
    expect((await a.nearest("p", base(0), 0.99, Date.now()))?.key).toBe("before");
    await b.add({ partition: "p", key: "during-b", vector: base(2), expiresAt: Infinity });
    // Give the reader time to notice the outage, so the catch-up below is a real resume.
    await eventually(
      async () => lines.length,
      (n) => n > 0,
    );
    expect(lines.length).toBeGreaterThan(0);

    await proxy.up();
    const caughtUp = await eventually(
      () => a.nearest("p", base(2), 0.99, Date.now()),
      (match) => match !== undefined,
      10_000,
    );
    expect(caughtUp?.key).toBe("during-b");
    await b.add({ partition: "p", key: "after", vector: base(3), expiresAt: Infinity });
    const after = await eventually(
      () => a.nearest("p", base(3), 0.99, Date.now()),
      (match) => match !== undefined,
    );
    expect(after?.key).toBe("after");
    await proxy.down();
  });

  it("does not throw when Redis is unreachable from the start", async () => {
    const proxy = await redisProxy(url!);
    await proxy.down();
    const index = await start({
      keyPrefix: uniquePrefix(),
      connection: proxy.url,
      publishTimeoutMs: 50,
    });
    await index.add({ partition: "p", key: "local", vector: base(0), expiresAt: Infinity });
    expect((await index.nearest("p", base(0), 0.99, Date.now()))?.key).toBe("local");
  });

  it("skips malformed stream entries and applies the good ones after them", async () => {
    const keyPrefix = uniquePrefix();
    const redis = new Redis(url!);
    const stream = `${keyPrefix}semantic:stream`;
    await redis.xadd(
      stream,
      "*",
      "op",
      "add",
      "p",
      "p",
      "k",
      "bad-vector",
      "v",
      "AAA",
      "e",
      "Infinity",
    );
    await redis.xadd(
      stream,
      "*",
      "op",
      "add",
      "p",
      "p",
      "k",
      "no-expiry",
      "v",
      "AACAPw==",
      "e",
      "",
    );
    await redis.xadd(stream, "*", "op", "drop-table", "p", "p", "k", "x");
    await redis.xadd(stream, "*", "junk", "1");
    redis.disconnect();
    const lines: string[] = [];
    const logger: CacheLogger = { warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const a = await start({ keyPrefix, logger });
    await a.add({ partition: "p", key: "good", vector: base(0), expiresAt: Infinity });
    const c = await start({ keyPrefix });
    expect(c.size()).toBe(1);
    expect((await c.nearest("p", base(0), 0.99, Date.now()))?.key).toBe("good");
    expect(lines.some((line) => /malformed/.test(line))).toBe(true);
  });
});
