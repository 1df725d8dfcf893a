import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { hookContext } from "../__fixtures__/hook-context.ts";
import { dropPrefix, integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { replyCuttingProxy } from "../__fixtures__/reply-cutting-proxy.ts";
import { keyRow } from "../__fixtures__/rows.ts";
import { createRedisBudgetLedger } from "../budgets/redis-budget-ledger.ts";
import { buildKeyIdentity } from "../keys/build-key-identity.ts";
import { createRedisRateLimiter } from "../limits/redis-rate-limiter.ts";
import { withFallbackJournal } from "../spend/fallback-spend-journal.ts";
import { createRedisSpendJournal } from "../spend/redis-spend-journal.ts";
import { createSpendFlusher } from "../spend/spend-flusher.ts";
import type { SpendRecord } from "../spend/spend-record.ts";
import { createBudgetHooks } from "./create-budget-hooks.ts";

const url = integrationUrl("TEST_REDIS_URL");

/**
 * Redis gone between a request's admission and its settling: the settle's script (which would
 * have appended the spend record, redis-combined-admission.ts) fails at the connection, and the
 * record must still be kept, once, in the fallback journal's spill queue and written from there.
 */
describe.skipIf(!url)("the combined settle with Redis unreachable (TEST_REDIS_URL)", () => {
  const prefix = uniquePrefix("combined-down");
  const admin = url ? new Redis(url) : undefined;
  const cleanup: (() => Promise<unknown> | void)[] = [];

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    await dropPrefix(admin!, prefix);
    admin!.disconnect();
  });

  it("spills the record in memory, once, and the flusher writes it", async () => {
    const proxy = await replyCuttingProxy(url!);
    // As the gateway connects (build-budgets.ts): a command fails after two reconnect attempts.
    const redis = new Redis(proxy.url, { maxRetriesPerRequest: 2 });
    redis.on("error", () => {}); // the refused reconnects, expected here
    cleanup.push(() => redis.disconnect());
    const warnings: string[] = [];
    const errors: string[] = [];
    const logger = {
      warn: (message: string) => warnings.push(message),
      error: (message: string) => errors.push(message),
    };
    const ledger = createRedisBudgetLedger({ redis, keyPrefix: `${prefix}l:` });
    const limiter = createRedisRateLimiter({ redis, keyPrefix: `${prefix}r:` });
    const stream = `${prefix}spend`;
    const journal = withFallbackJournal(
      createRedisSpendJournal({ redis, stream, consumer: "c1", logger }),
      logger,
    );
    const hooks = createBudgetHooks({ ledger, limiter, journal, logger });
    const key = buildKeyIdentity({
      key: keyRow(`sk-down-${prefix}`, { rpmLimit: 100, maxBudget: 10 }),
    });
    const ctx = hookContext(key, { maxCost: 0.5 });
    await hooks.preCall(ctx);
    await proxy.close(); // Redis unreachable from here on: connections refused
    await hooks.postCall(ctx, { status: "success", cost: 0.25 });

    expect(errors).toEqual(["budget settle and rate limit release failed"]);
    expect(warnings).toContain(
      "spend journal unavailable; keeping spend in memory until it returns",
    );
    expect(journal.durable).toBe(false);
    expect(await admin!.exists(stream)).toBe(0);
    const written: SpendRecord[] = [];
    const flusher = createSpendFlusher({
      journal,
      writer: {
        async write(records) {
          written.push(...records);
          return records.length;
        },
      },
    });
    // The spill queue is read first, without Redis; the flush then fails at Redis's part.
    await flusher.stop();
    expect(written.map((r) => r.requestId)).toEqual([ctx.callId]);
    expect(written[0]).toMatchObject({ spend: 0.25, requestId: ctx.callId });
    expect(journal.durable).toBe(true);
  });
});
