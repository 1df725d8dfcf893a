import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { dropPrefix, integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { describeLimiterContract, descriptor } from "../__fixtures__/limiter-contract.ts";
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
});
