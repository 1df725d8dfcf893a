import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { hookContext } from "../__fixtures__/hook-context.ts";
import { dropPrefix, integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { keyRow } from "../__fixtures__/rows.ts";
import { createRedisBudgetLedger } from "../budgets/redis-budget-ledger.ts";
import { buildKeyIdentity } from "../keys/build-key-identity.ts";
import { createRedisRateLimiter } from "../limits/redis-rate-limiter.ts";
import { withFallbackJournal } from "../spend/fallback-spend-journal.ts";
import { createRedisSpendJournal } from "../spend/redis-spend-journal.ts";
import { createBudgetHooks } from "./create-budget-hooks.ts";

const url = integrationUrl("TEST_REDIS_URL");

/**
 * Outcomes other than a plain success through the combined settle (settle, release and the
 * spend record's XADD in one script): a cache hit counts no tokens but is recorded, a failure is
 * recorded or not as `recordFailures` says, and in every case the hold and the parallel slot
 * are given back and the tokens counted as the limiter counts them apart.
 */
describe.skipIf(!url)("combined settle outcomes (TEST_REDIS_URL)", () => {
  const prefix = uniquePrefix("combined-outcomes");
  const redis = url ? new Redis(url) : undefined;

  afterAll(async () => {
    await dropPrefix(redis!, prefix);
    redis!.disconnect();
  });

  const setup = (name: string, recordFailures: boolean) => {
    const ledger = createRedisBudgetLedger({ redis: redis!, keyPrefix: `${prefix}${name}:l:` });
    const limiter = createRedisRateLimiter({ redis: redis!, keyPrefix: `${prefix}${name}:r:` });
    const stream = `${prefix}${name}:spend`;
    const errors: string[] = [];
    const logger = { warn() {}, error: (message: string) => errors.push(message) };
    const journal = withFallbackJournal(
      createRedisSpendJournal({ redis: redis!, stream, consumer: "c1", logger }),
      logger,
    );
    const hooks = createBudgetHooks({ ledger, limiter, journal, logger, recordFailures });
    const key = buildKeyIdentity({
      key: keyRow(`sk-${name}-${prefix}`, {
        tpmLimit: 100_000,
        maxParallelRequests: 3,
        maxBudget: 10,
      }),
    });
    const descriptor = key.rateLimits[0]!.id;
    const counted = async () => ({
      tokens: Number(await redis!.hget(`${prefix}${name}:r:r:${descriptor}`, "t")),
      parallel: await redis!.zcard(`${prefix}${name}:r:rp:${descriptor}`),
      ledger: await ledger.read(key.budgetLines[0]!, Date.now()),
      recorded: ((await redis!.xrange(stream, "-", "+")) as [string, string[]][]).map(
        ([, fields]) => JSON.parse(fields[1]!) as { requestId: string; cacheHit: boolean },
      ),
    });
    return { hooks, key, errors, counted };
  };
  const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

  it("a cache hit: recorded once as a hit, no tokens counted, hold and slot given back", async () => {
    const s = setup("hit", true);
    const ctx = { ...hookContext(s.key, { maxCost: 0.5, promptTokens: 10 }), cacheHit: true };
    await s.hooks.preCall(ctx);
    await s.hooks.postCall(ctx, { status: "success", cost: 0, usage });
    const after = await s.counted();
    expect(after.tokens).toBe(0);
    expect(after.parallel).toBe(0);
    expect(after.ledger).toEqual({ spend: 0, reserved: 0 });
    expect(after.recorded).toMatchObject([{ requestId: ctx.callId, cacheHit: true }]);
    expect(s.errors).toEqual([]);
  });

  it("a failure without recordFailures: nothing appended, the hold, slot and estimate given back", async () => {
    const s = setup("quiet-failure", false);
    const ctx = hookContext(s.key, { maxCost: 0.5, promptTokens: 10 });
    await s.hooks.preCall(ctx);
    const settled = s.hooks.postCall(ctx, { status: "failure", cost: 0 });
    await settled;
    // The settle runs on its own (nothing returned to wait on): wait for its effects.
    await expect.poll(async () => (await s.counted()).parallel).toBe(0);
    const after = await s.counted();
    expect(after.tokens).toBe(0);
    expect(after.ledger).toEqual({ spend: 0, reserved: 0 });
    expect(after.recorded).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  it("a failure with recordFailures: recorded once, in the script", async () => {
    const s = setup("loud-failure", true);
    const ctx = hookContext(s.key, { maxCost: 0.5, promptTokens: 10 });
    await s.hooks.preCall(ctx);
    await s.hooks.postCall(ctx, { status: "failure", cost: 0.01, usage });
    const after = await s.counted();
    expect(after.tokens).toBe(15);
    expect(after.parallel).toBe(0);
    expect(after.ledger).toEqual({ spend: 0.01, reserved: 0 });
    expect(after.recorded.map((r) => r.requestId)).toEqual([ctx.callId]);
  });
});
