import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { dropPrefix, integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { moveSpendStream } from "./move-spend-stream.ts";

const url = integrationUrl("TEST_REDIS_URL");

describe.skipIf(!url)("moveSpendStream (TEST_REDIS_URL)", () => {
  const prefix = uniquePrefix("move-stream");
  const redis = url ? new Redis(url) : undefined;
  afterAll(async () => {
    await dropPrefix(redis!, prefix);
    redis!.disconnect();
  });

  it("moves every entry, in order and whole, in batches, and leaves the old stream empty", async () => {
    const from = `${prefix}old`;
    const to = `${prefix}new`;
    await redis!.xadd(to, "*", "r", "already there");
    for (let i = 0; i < 7; i++) await redis!.xadd(from, "*", "r", `record ${i}`);
    expect(await moveSpendStream(redis!, from, to, 3)).toBe(7);
    expect(await redis!.xlen(from)).toBe(0);
    const moved = (await redis!.xrange(to, "-", "+")) as [string, string[]][];
    expect(moved.map(([, fields]) => fields)).toEqual([
      ["r", "already there"],
      ...Array.from({ length: 7 }, (_, i) => ["r", `record ${i}`]),
    ]);
    // Nothing more to move; a stream that never existed moves nothing.
    expect(await moveSpendStream(redis!, from, to, 3)).toBe(0);
    expect(await moveSpendStream(redis!, `${prefix}absent`, to)).toBe(0);
    expect(await moveSpendStream(redis!, to, to)).toBe(0);
    expect(await redis!.xlen(to)).toBe(8);
  });
});
