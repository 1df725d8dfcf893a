import { randomUUID } from "node:crypto";
import { createServer, connect } from "node:net";
import type { Server, Socket } from "node:net";
import { Redis } from "ioredis";
import { testServices } from "@org/testing";

/**
 * TEST_REDIS_URL, or undefined to skip. On CI a missing URL is a failure, not a skip: the
 * integration tests must run there.
 */
export function testRedisUrl(): string | undefined {
  const { redisUrl, required } = testServices();
  if (redisUrl === undefined && required) {
    throw new Error(
      "TEST_REDIS_URL must be set on CI: the Redis integration tests cannot be skipped there",
    );
  }
  return redisUrl;
}

/** A key prefix of its own for each test, so tests run in parallel on one Redis. */
export function uniquePrefix(name: string): string {
  return `test:router:${name}:${randomUUID()}:`;
}

/** Deletes every key under a prefix. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}

/**
 * A TCP proxy in front of Redis that the test can take down and bring back on the same port:
 * a Redis outage without touching the real server.
 */
export async function redisProxy(url: string) {
  const target = new URL(url);
  const targetPort = Number(target.port || 6379);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(targetPort, target.hostname);
        sockets.add(client);
        sockets.add(upstream);
        const close = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", close).on("close", close);
        upstream.on("error", close).on("close", close);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });

  await listen();
  const proxied = new URL(url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(port);
  return {
    url: proxied.toString(),
    async down(): Promise<void> {
      const s = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (s !== undefined) await new Promise((resolve) => s.close(resolve));
    },
    up: listen,
  };
}

export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
