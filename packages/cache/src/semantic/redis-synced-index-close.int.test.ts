import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, expect, it } from "vitest";
import { RedisServerProcess } from "../__fixtures__/redis-server-process.ts";
import { freePort, testRedisUrl } from "../__fixtures__/redis.ts";
import { RedisSyncedVectorIndex } from "./redis-synced-index.ts";

// close() during a Redis outage: the reader's XREAD, sent before Redis went away, sits in
// ioredis's offline queue for its retry, and disconnect() never settles it. close() must end
// anyway (a gateway's shutdown awaits it before flushing spend and closing the database).
// Needs redis-server, so it runs with the Redis tests.

const redisUrl = testRedisUrl();
let server: RedisServerProcess | undefined;
afterEach(async () => {
  await server?.kill();
  server = undefined;
});

it.skipIf(!redisUrl)(
  "close() ends while Redis is down, with the reader's command still pending",
  async () => {
    // Which command is pending depends on where the reconnect back-off is: try a few moments.
    for (const outageMs of [0, 20, 300, 600]) {
      server = await RedisServerProcess.start(await freePort());
      const index = new RedisSyncedVectorIndex({
        connection: server.url,
        keyPrefix: "close-test:",
      });
      await index.ready();
      await server.kill();
      await sleep(outageMs);
      const outcome = await Promise.race([
        index.close().then(() => "closed"),
        sleep(5_000).then(() => "still waiting after 5 s"),
      ]);
      expect(outcome, `closed ${outageMs} ms into the outage`).toBe("closed");
    }
  },
  60_000,
);
