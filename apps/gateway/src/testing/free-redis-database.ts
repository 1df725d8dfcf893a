import { randomInt } from "node:crypto";
import { Redis } from "ioredis";

/**
 * `url` pointed at a logical database (1-15) that holds no keys, for a spawned gateway, whose
 * Redis key prefixes are fixed: in a database of its own it cannot read another test's spend
 * stream or limits. Starts at a random one so concurrent callers rarely race for the same.
 */
export async function freeRedisDatabase(url: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    await redis.connect();
    const start = randomInt(1, 16);
    for (let i = 0; i < 15; i++) {
      const db = ((start - 1 + i) % 15) + 1;
      await redis.select(db);
      if ((await redis.dbsize()) === 0) {
        const free = new URL(url);
        free.pathname = `/${db}`;
        return free.toString();
      }
    }
    throw new Error("no empty Redis database among 1-15 for a spawned gateway");
  } finally {
    redis.disconnect();
  }
}
