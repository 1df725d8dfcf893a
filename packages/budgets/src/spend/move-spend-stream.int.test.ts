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

  // Two deployments on one Redis, one still on the earlier version (or in a rolling upgrade):
  // the untagged stream holds the other deployment's live records. Moved wholesale, every start
  // of the upgraded one took them into its own database (and records the other's flusher had
  // read already were written into both). Only records of keys this deployment knows are moved
  // (and those without a key: nothing to tell them apart by).
  it("moves only the records whose key the deployment owns, and leaves the rest", async () => {
    const from = `${prefix}mixed-old`;
    const to = `${prefix}mixed-new`;
    const record = (apiKeyHash: string, requestId: string) =>
      JSON.stringify({ requestId, apiKeyHash, spend: 0.1 });
    const hashes = ["mine", "theirs", "", "mine", "theirs", "mine", "not json"];
    for (const [i, hash] of hashes.entries()) {
      await redis!.xadd(from, "*", "r", hash === "not json" ? "{" : record(hash, `req-${i}`));
    }
    const asked: string[][] = [];
    const owns = async (keyHashes: readonly string[]) => {
      asked.push([...keyHashes].sort());
      return new Set(keyHashes.filter((h) => h === "mine"));
    };
    expect(await moveSpendStream(redis!, from, to, 2, owns)).toBe(5);
    const requestIdsOf = async (stream: string) =>
      ((await redis!.xrange(stream, "-", "+")) as [string, string[]][]).map(([, fields]) => {
        try {
          return (JSON.parse(fields[1]!) as { requestId: string }).requestId;
        } catch {
          return fields[1];
        }
      });
    expect(await requestIdsOf(to)).toEqual(["req-0", "req-2", "req-3", "req-5", "{"]);
    expect(await requestIdsOf(from)).toEqual(["req-1", "req-4"]);
    expect(asked.flat()).not.toContain("");
    // Left where they are: the next start asks again, and moves nothing more.
    expect(await moveSpendStream(redis!, from, to, 2, owns)).toBe(0);
    expect(await redis!.xlen(from)).toBe(2);
  });
});
