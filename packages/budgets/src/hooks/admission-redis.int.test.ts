import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { hookContext } from "../__fixtures__/hook-context.ts";
import { dropPrefix, integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { keyRow } from "../__fixtures__/rows.ts";
import { createRedisBudgetLedger } from "../budgets/redis-budget-ledger.ts";
import { buildKeyIdentity } from "../keys/build-key-identity.ts";
import { createRedisRateLimiter } from "../limits/redis-rate-limiter.ts";
import { createMemorySpendJournal } from "../spend/memory-spend-journal.ts";
import { createBudgetHooks } from "./create-budget-hooks.ts";

const url = integrationUrl("TEST_REDIS_URL");

/**
 * On Redis the limiter and the ledger are asked in the same tick (admission.ts): the outcome must
 * still be the sequential one. A request the limiter refuses keeps no budget hold, and one the
 * budget refuses keeps no rate-limit slot. The client is auto-pipelined, as the gateway's is.
 */
describe.skipIf(!url)("budget admission on Redis stores (TEST_REDIS_URL)", () => {
  const prefix = uniquePrefix("admission");
  const redis = new Redis(url!, { enableAutoPipelining: true });
  const ledger = createRedisBudgetLedger({ redis, keyPrefix: `${prefix}ledger:` });
  const limiter = createRedisRateLimiter({ redis, keyPrefix: `${prefix}limits:` });
  const hooks = createBudgetHooks({ ledger, limiter, journal: createMemorySpendJournal() });

  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it("a request the rate limiter refuses leaves no hold on the key's budget", async () => {
    const key = buildKeyIdentity({
      key: keyRow("sk-admission-rpm", { rpmLimit: 2, maxBudget: 100 }),
    });
    const line = key.budgetLines[0]!;
    const contexts = Array.from({ length: 6 }, () => hookContext(key, { maxCost: 1 }));
    const results = await Promise.allSettled(contexts.map((ctx) => hooks.preCall(ctx)));

    const admitted = contexts.filter((_, i) => results[i]!.status === "fulfilled");
    expect(admitted).toHaveLength(2);
    for (const result of results) {
      if (result.status === "rejected") expect(result.reason).toMatchObject({ status: 429 });
    }
    // The four refused requests' holds were taken in the same round trip and given back.
    await vi.waitFor(async () =>
      expect(await ledger.read(line, Date.now())).toEqual({ spend: 0, reserved: 2 }),
    );

    for (const ctx of admitted) {
      await hooks.postCall(ctx, {
        status: "success",
        cost: 0.5,
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      });
    }
    await vi.waitFor(async () =>
      expect(await ledger.read(line, Date.now())).toEqual({ spend: 1, reserved: 0 }),
    );
  });

  it("a request the budget refuses gives its parallel slot back", async () => {
    // Two parallel slots; the first request's hold (its estimate) uses the whole budget.
    const key = buildKeyIdentity({
      key: keyRow("sk-admission-budget", { maxParallelRequests: 2, maxBudget: 0.5 }),
    });
    const first = hookContext(key, { maxCost: 1 });
    await expect(hooks.preCall(first)).resolves.toBeUndefined();
    // Each of these passes the limiter (one slot left), then the budget refuses it. Had the
    // first of them kept the last slot, the second would be refused by the limiter (429).
    for (let i = 0; i < 2; i++) {
      await expect(hooks.preCall(hookContext(key, { maxCost: 0.1 }))).rejects.toMatchObject({
        status: 400,
        type: "budget_exceeded",
      });
    }
    await hooks.postCall(first, { status: "success", cost: 0.2 });
    const line = key.budgetLines[0]!;
    await vi.waitFor(async () =>
      expect(await ledger.read(line, Date.now())).toEqual({ spend: 0.2, reserved: 0 }),
    );
  });
});
