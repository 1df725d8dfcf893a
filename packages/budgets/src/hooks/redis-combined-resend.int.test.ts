import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { hookContext } from "../__fixtures__/hook-context.ts";
import { dropPrefix, integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { replyCuttingProxy } from "../__fixtures__/reply-cutting-proxy.ts";
import { keyRow } from "../__fixtures__/rows.ts";
import { spendRecord } from "../__fixtures__/spend-records.ts";
import { createRedisBudgetLedger } from "../budgets/redis-budget-ledger.ts";
import { buildKeyIdentity } from "../keys/build-key-identity.ts";
import { createRedisRateLimiter } from "../limits/redis-rate-limiter.ts";
import { withFallbackJournal } from "../spend/fallback-spend-journal.ts";
import { createRedisSpendJournal } from "../spend/redis-spend-journal.ts";
import { createBudgetHooks } from "./create-budget-hooks.ts";
import { combinedRedisAdmission } from "./redis-combined-admission.ts";

const url = integrationUrl("TEST_REDIS_URL");

/**
 * The settle's script (settle, release and the spend record's XADD, redis-combined-admission.ts)
 * re-sent by ioredis after a reconnect lost its reply: a real client behind a proxy that cuts
 * the connection once the script has run. The re-sent script must change nothing: the record
 * once in the stream, the budget charged once, the tokens counted once against tpm.
 */
describe.skipIf(!url)("the combined settle re-sent after a lost reply (TEST_REDIS_URL)", () => {
  const prefix = uniquePrefix("combined-resend");
  const admin = url ? new Redis(url) : undefined;
  const cleanup: (() => Promise<unknown> | void)[] = [];

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    await dropPrefix(admin!, prefix);
    admin!.disconnect();
  });

  it("appends the record once, charges the budget once and counts the tokens once", async () => {
    const proxy = await replyCuttingProxy(url!);
    cleanup.push(() => proxy.close());
    // As the gateway connects (build-budgets.ts), re-sending left at ioredis's default.
    const redis = new Redis(proxy.url, { maxRetriesPerRequest: 2 });
    cleanup.push(() => redis.disconnect());
    const errors: string[] = [];
    const logger = { warn() {}, error: (message: string) => errors.push(message) };
    const ledger = createRedisBudgetLedger({ redis, keyPrefix: `${prefix}l:` });
    const limiter = createRedisRateLimiter({ redis, keyPrefix: `${prefix}r:` });
    const stream = `${prefix}spend`;
    const journal = withFallbackJournal(
      createRedisSpendJournal({ redis, stream, consumer: "c1", logger }),
      logger,
    );
    const hooks = createBudgetHooks({ ledger, limiter, journal, logger });
    const key = buildKeyIdentity({
      key: keyRow(`sk-resend-${prefix}`, { tpmLimit: 100_000, maxBudget: 10 }),
    });
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    const request = async (cut: boolean) => {
      const ctx = hookContext(key, { maxCost: 0.5, promptTokens: 10 });
      await hooks.preCall(ctx);
      if (cut) proxy.loseReplyOfNext(stream);
      await hooks.postCall(ctx, { status: "success", cost: 0.25, usage });
      return ctx.callId;
    };
    await request(false); // loads the scripts: the lost reply is the settle's, not a NOSCRIPT
    const id = await request(true);
    expect(proxy.cuts).toBe(1);

    const copies = ((await admin!.xrange(stream, "-", "+")) as [string, string[]][])
      .map(([, fields]) => (JSON.parse(fields[1]!) as { requestId: string }).requestId)
      .filter((r) => r === id);
    expect(copies).toHaveLength(1);
    expect(await ledger.read(key.budgetLines[0]!, Date.now())).toEqual({
      spend: 0.5,
      reserved: 0,
    });
    // Two requests of 15 tokens each in this minute's window.
    const tpmKey = `${prefix}r:r:${key.rateLimits[0]!.id}`;
    expect(Number(await admin!.hget(tpmKey, "t"))).toBe(30);
    expect(errors).toEqual([]);

    // The copy the first run appended is the one kept for replay: after Redis loses the stream
    // it comes back, once.
    await journal.read(1); // the journal learns the stream's epoch
    await admin!.del(stream, `${stream}:epoch`);
    const replayed = (await journal.read(10)).filter((e) => e.record.requestId === id);
    expect(replayed).toHaveLength(1);
  });

  it("a re-sent admission counts the request once and admits it, at the rpm limit and at the budget's edge", async () => {
    const proxy = await replyCuttingProxy(url!);
    const redis = new Redis(proxy.url, { maxRetriesPerRequest: 2 });
    cleanup.push(
      () => proxy.close(),
      () => redis.disconnect(),
    );
    const errors: string[] = [];
    const logger = { warn() {}, error: (message: string) => errors.push(message) };
    const ledger = createRedisBudgetLedger({ redis, keyPrefix: `${prefix}l2:` });
    const limiter = createRedisRateLimiter({ redis, keyPrefix: `${prefix}r2:` });
    const journal = withFallbackJournal(
      createRedisSpendJournal({ redis, stream: `${prefix}spend2`, consumer: "c1", logger }),
      logger,
    );
    const hooks = createBudgetHooks({ ledger, limiter, journal, logger });
    // The second request takes the last rpm slot, and its hold takes the budget to its limit.
    const key = buildKeyIdentity({
      key: keyRow(`sk-admit-resend-${prefix}`, { rpmLimit: 2, tpmLimit: 1_000, maxBudget: 1 }),
    });
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    const first = hookContext(key, { maxCost: 0.5, promptTokens: 10 });
    await hooks.preCall(first); // loads the scripts: the lost reply is the admission's
    await hooks.postCall(first, { status: "success", cost: 0.5, usage });

    const second = hookContext(key, { maxCost: 0.5, promptTokens: 10 });
    proxy.loseReplyOfNext(second.callId);
    await hooks.preCall(second); // before: a 429 from its own first run (or the budget's refusal)
    expect(proxy.cuts).toBe(1);
    const rateKey = `${prefix}r2:r:${key.rateLimits[0]!.id}`;
    expect(Number(await admin!.hget(rateKey, "q"))).toBe(2);
    expect(Number(await admin!.hget(rateKey, "t"))).toBe(15 + 10);
    expect(await ledger.read(key.budgetLines[0]!, Date.now())).toEqual({
      spend: 0.5,
      reserved: 0.5,
    });

    await hooks.postCall(second, { status: "success", cost: 0.25, usage });
    expect(Number(await admin!.hget(rateKey, "t"))).toBe(30);
    expect(await ledger.read(key.budgetLines[0]!, Date.now())).toEqual({
      spend: 0.75,
      reserved: 0,
    });
    // The limit still holds: a third request in this minute is refused.
    await expect(hooks.preCall(hookContext(key, { maxCost: 0.1 }))).rejects.toMatchObject({
      status: 429,
    });
    expect(errors).toEqual([]);
  });

  it("a settle re-sent after the key's budget window turned charges, appends and counts once", async () => {
    // The first run settled 5 ms before the turn of a 30 s window; its reply was lost, and the
    // re-send (the same arguments) ran after another request opened the next window. The first
    // line's 'done' marker is what tells the script it ran: it has to survive the turn.
    const redis = new Redis(url!);
    cleanup.push(() => redis.disconnect());
    const ledger = createRedisBudgetLedger({ redis, keyPrefix: `${prefix}l3:` });
    const limiter = createRedisRateLimiter({ redis, keyPrefix: `${prefix}r3:` });
    const stream = `${prefix}spend3`;
    const journal = createRedisSpendJournal({ redis, stream, consumer: "c1" });
    const combined = combinedRedisAdmission(limiter, ledger, journal)!;
    expect(combined.appendsRecords).toBe(true);
    const resetAt = Date.UTC(2025, 2, 12, 10, 0, 30);
    const key = buildKeyIdentity({
      key: keyRow(`sk-turn-resend-${prefix}`, {
        tpmLimit: 100_000,
        maxBudget: 10,
        budgetDuration: "30s",
        budgetResetAt: new Date(resetAt),
      }),
    });
    const admit = (id: string, now: number) =>
      combined.admit(
        { id, descriptors: key.rateLimits, tokens: 10, now },
        { id, lines: key.budgetLines, amount: 1, now },
      );
    const first = await admit("before-turn", resetAt - 100);
    if (!first.acquired.ok || !first.reserved?.ok) throw new Error("expected an admission");
    const { reservation } = first.reserved;
    const { lease } = first.acquired;
    const record = spendRecord({ requestId: "before-turn", spend: 0.25, endTime: resetAt - 5 });
    const settle = () =>
      combined.settle(reservation, 0.25, lease, { tokens: 15, now: resetAt - 5 }, record);
    expect((await settle()).lines.map((l) => [l.before, l.after])).toEqual([[0, 0.25]]);
    const next = await admit("after-turn", resetAt + 2);
    expect(next.reserved?.ok).toBe(true);
    await settle(); // the re-send

    expect(await ledger.read(key.budgetLines[0]!, resetAt + 10)).toEqual({
      spend: 0,
      reserved: 1,
    });
    expect(await admin!.xlen(stream)).toBe(1);
    // 15 tokens of the first request, 10 prompt tokens of the second.
    const tpmKey = `${prefix}r3:r:${key.rateLimits[0]!.id}`;
    expect(Number(await admin!.hget(tpmKey, "t"))).toBe(25);
  });
});
