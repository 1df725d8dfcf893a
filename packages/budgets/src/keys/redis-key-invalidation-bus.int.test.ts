import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { keyRow } from "../__fixtures__/rows.ts";
import { createAuthenticator } from "./authenticator.ts";
import type { Invalidation } from "./key-invalidation-bus.ts";
import type { KeyLookup } from "./loaded-key.ts";
import { createRedisKeyInvalidationBus } from "./redis-key-invalidation-bus.ts";
import { hashKey } from "./virtual-key.ts";

const url = integrationUrl("TEST_REDIS_URL");

describe.skipIf(!url)("Redis key invalidation bus (TEST_REDIS_URL)", () => {
  const clients: Redis[] = [];
  const client = () => {
    const r = new Redis(url!);
    clients.push(r);
    return r;
  };
  afterAll(() => {
    for (const c of clients) c.disconnect();
  });

  it("carries a key change from one instance to the other's authenticator", async () => {
    const channel = `${uniquePrefix("bus")}invalidate`;
    const a = createRedisKeyInvalidationBus({ redis: client(), channel });
    const b = createRedisKeyInvalidationBus({ redis: client(), channel });
    await Promise.all([a.ready(), b.ready()]);

    const KEY = "sk-shared-key-1";
    let blocked = false;
    const lookup = async (): Promise<KeyLookup> => ({
      found: "key",
      loaded: { key: keyRow(KEY, { blocked }) },
    });
    const authB = createAuthenticator({ source: { lookup }, bus: b, ttlMs: 60_000 });
    await authB.authenticate(KEY);

    const seenByB: Invalidation[] = [];
    b.subscribe((msg) => seenByB.push(msg));
    const seenByA: Invalidation[] = [];
    a.subscribe((msg) => seenByA.push(msg));

    blocked = true; // instance A blocks the key in the database, then publishes
    await a.publish({ kind: "key", keyHash: hashKey(KEY) });
    expect(seenByA).toHaveLength(1); // delivered locally at once, and not twice
    const deadline = Date.now() + 5000;
    while (seenByB.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(seenByB).toEqual([{ kind: "key", keyHash: hashKey(KEY) }]);
    await expect(Promise.resolve().then(() => authB.authenticate(KEY))).rejects.toThrow(/blocked/);
    await new Promise((r) => setTimeout(r, 50));
    expect(seenByA).toHaveLength(1);
    await a.close();
    await b.close();
  });
});
