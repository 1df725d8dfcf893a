import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { testServices } from "@org/testing";
import { Redis } from "ioredis";
import { expect, it } from "vitest";

/**
 * TEST_REDIS_URL for `*.int.test.ts`, or undefined to skip. Under CI a missing URL registers a
 * failing test instead: the Redis tests must run there.
 */
export function testRedisUrl(): string | undefined {
  const { redisUrl: url, required } = testServices();
  if (!url && required) {
    it("has TEST_REDIS_URL (required when CI is set)", () => {
      expect.fail("TEST_REDIS_URL is not set, so the Redis cache tests cannot run in CI");
    });
  }
  return url;
}

/** A key prefix of its own for each store a test opens, so runs never see each other's keys. */
export const uniquePrefix = (name: string): string =>
  `test:cache:${name}:${randomBytes(6).toString("hex")}:`;

/** Deletes every key under `prefix`. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
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

/** A loopback port nothing listens on (the OS picked it, then it was released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` until it holds, at most `timeoutMs`: for conditions reached in the background
 * (a reconnect), with no assertion on how long it took.
 */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
