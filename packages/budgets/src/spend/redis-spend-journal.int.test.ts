import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropPrefix, integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { spendRecord } from "../__fixtures__/spend-records.ts";
import { createRedisSpendJournal } from "./redis-spend-journal.ts";

const redisUrl = integrationUrl("TEST_REDIS_URL");

describe.skipIf(!redisUrl)("Redis spend journal when Redis loses its data (TEST_REDIS_URL)", () => {
  let redis: Redis;
  const prefix = uniquePrefix("journal-loss");
  beforeAll(() => {
    redis = new Redis(redisUrl!);
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it("recreates its consumer group (NOGROUP) and reads what was appended after the loss, with an alert", async () => {
    const stream = `${prefix}spend`;
    const errors: string[] = [];
    const journal = createRedisSpendJournal({
      redis,
      stream,
      consumer: "c1",
      logger: { warn() {}, error: (message) => errors.push(message) },
    });
    await journal.append(spendRecord({ requestId: "before" }));
    const first = await journal.read(10);
    expect(first.map((e) => e.record.requestId)).toEqual(["before"]);
    await journal.ack(first.map((e) => e.id));

    // What a Redis restart without persistence or a FLUSHDB does to this stream (and its group).
    await redis.del(stream);
    await journal.append(spendRecord({ requestId: "after-1" }));
    await journal.append(spendRecord({ requestId: "after-2" }));

    const next = await journal.read(10);
    expect(next.map((e) => e.record.requestId)).toEqual(["after-1", "after-2"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("consumer group recreated");
    await journal.ack(next.map((e) => e.id));
    expect(await journal.pending()).toBe(0);
    // And it keeps working without further alerts.
    await journal.append(spendRecord({ requestId: "later" }));
    expect((await journal.read(10)).map((e) => e.record.requestId)).toEqual(["later"]);
    expect(errors).toHaveLength(1);
  });

  it("acknowledging entries read before the loss neither fails nor touches new entries", async () => {
    const stream = `${prefix}spend-ack`;
    const journal = createRedisSpendJournal({ redis, stream, consumer: "c1" });
    await journal.append(spendRecord({ requestId: "in-flight" }));
    const held = await journal.read(10);
    await redis.del(stream);
    await journal.append(spendRecord({ requestId: "new" }));
    await journal.ack(held.map((e) => e.id));
    expect((await journal.read(10)).map((e) => e.record.requestId)).toEqual(["new"]);
  });

  it("moves an unreadable entry to <stream>:dead instead of failing every read", async () => {
    const stream = `${prefix}spend-unreadable`;
    const errors: string[] = [];
    const journal = createRedisSpendJournal({
      redis,
      stream,
      consumer: "c1",
      logger: { warn() {}, error: (message) => errors.push(message) },
    });
    await journal.append(spendRecord({ requestId: "good-1" }));
    await redis.xadd(stream, "*", "r", "{not json");
    await redis.xadd(stream, "*", "other", "field");
    await journal.append(spendRecord({ requestId: "good-2" }));

    const entries = await journal.read(10);
    expect(entries.map((e) => e.record.requestId)).toEqual(["good-1", "good-2"]);
    await journal.ack(entries.map((e) => e.id));
    expect(await journal.pending()).toBe(0);
    const dead = (await redis.xrange(`${stream}:dead`, "-", "+")) as [string, string[]][];
    expect(dead.map(([, f]) => f[f.indexOf("r") + 1])).toEqual(["{not json", '["other","field"]']);
    expect(errors).toHaveLength(2);
  });

  it("a read whose entries are all unreadable goes on to the records behind them", async () => {
    const stream = `${prefix}spend-all-unreadable`;
    const journal = createRedisSpendJournal({ redis, stream, consumer: "c1" });
    await journal.read(1); // the group
    // A whole read's worth (max 2) of damaged entries, then a good record.
    await redis.xadd(stream, "*", "r", "{not json");
    await redis.xadd(stream, "*", "r", "[also not");
    await journal.append(spendRecord({ requestId: "behind" }));
    // Before, this read answered [] and the flusher stopped as if the journal were empty.
    const entries = await journal.read(2);
    expect(entries.map((e) => e.record.requestId)).toEqual(["behind"]);
    expect(await redis.xlen(`${stream}:dead`)).toBe(2);
  });

  it("after FLUSHDB, each instance appends again the records it journaled that no flusher had written", async () => {
    const stream = `${prefix}spend-replay`;
    const errors: string[] = [];
    const logger = { warn() {}, error: (message: string) => errors.push(message) };
    const a = createRedisSpendJournal({ redis, stream, consumer: "a", logger });
    const b = createRedisSpendJournal({ redis, stream, consumer: "b", logger });
    // Both flushers have read (and written, acknowledged) something before the loss.
    await a.append(spendRecord({ requestId: "written" }));
    await a.ack((await a.read(10)).map((e) => e.id));
    expect(await b.read(10)).toEqual([]);
    // Journaled, not yet read by anyone, when Redis loses its data.
    await a.append(spendRecord({ requestId: "a-unread" }));
    await b.append(spendRecord({ requestId: "b-unread" }));
    await dropPrefix(redis, stream); // the stream, its group and the epoch key: a FLUSHDB
    await a.append(spendRecord({ requestId: "a-after" }));

    // Every flusher reads until nothing is left (any flusher may write any record): together
    // they get each record journaled before and after the loss exactly once.
    const drained: string[] = [];
    for (let round = 0; round < 5; round++) {
      for (const journal of [a, b]) {
        const entries = await journal.read(10);
        drained.push(...entries.map((e) => e.record.requestId));
        await journal.ack(entries.map((e) => e.id));
      }
    }
    expect(drained.sort()).toEqual(["a-after", "a-unread", "b-unread"]);
    expect(await a.pending()).toBe(0);
    expect(errors).toHaveLength(2);
    // Nothing acknowledged is appended again: "written" never comes back.
    expect(await a.read(10)).toEqual([]);
    expect(await b.read(10)).toEqual([]);
  });

  it("appends again a lost record whose id the new stream reused in the same millisecond", async () => {
    const stream = `${prefix}spend-same-ms`;
    const logger = { warn() {}, error() {} };
    const a = createRedisSpendJournal({ redis, stream, consumer: "a", logger });
    expect(await a.read(10)).toEqual([]);
    await a.append(spendRecord({ requestId: "lost" }));
    const lostId = ((await redis.xrange(stream, "-", "+")) as [string, string[]][])[0]![0];
    await dropPrefix(redis, stream);
    // After the loss another instance's record takes that very id (a new stream starts at 0).
    await redis.xadd(stream, lostId, "r", JSON.stringify(spendRecord({ requestId: "other" })));

    const ids = (await a.read(10)).map((e) => e.record.requestId).sort();
    expect(ids).toEqual(["lost", "other"]);
  });
});
