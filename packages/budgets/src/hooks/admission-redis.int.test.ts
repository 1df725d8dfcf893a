import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { hookContext } from "../__fixtures__/hook-context.ts";
import { dropPrefix, integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { keyRow, teamRow } from "../__fixtures__/rows.ts";
import { createRedisBudgetLedger } from "../budgets/redis-budget-ledger.ts";
import { buildKeyIdentity } from "../keys/build-key-identity.ts";
import { createRedisRateLimiter } from "../limits/redis-rate-limiter.ts";
import { createMemorySpendJournal } from "../spend/memory-spend-journal.ts";
import { createBudgetHooks } from "./create-budget-hooks.ts";

const url = integrationUrl("TEST_REDIS_URL");

/**
 * Admission on Redis (admission.ts), the client auto-pipelined as the gateway's is: a request the
 * limiter refuses never takes a budget hold (not even for a round trip: that would refuse its
 * team-mates), and one the budget refuses keeps no rate-limit slot.
 */
describe.skipIf(!url)("budget admission on Redis stores (TEST_REDIS_URL)", () => {
  const prefix = uniquePrefix("admission");
  const redis = new Redis(url!, { enableAutoPipelining: true });
  const ledger = createRedisBudgetLedger({ redis, keyPrefix: `${prefix}ledger:` });
  const limiter = createRedisRateLimiter({ redis, keyPrefix: `${prefix}limits:` });
  const exceeded: unknown[] = [];
  const hooks = createBudgetHooks({
    ledger,
    limiter,
    journal: createMemorySpendJournal(),
    onBudgetExceeded: (event) => exceeded.push(event),
  });

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
    // Only the two admitted requests hold anything.
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

  it("a key refused by its own limit never makes a team-mate be refused for the team's budget", async () => {
    exceeded.length = 0; // the test before refuses for budget on purpose
    const team = teamRow(`team-${prefix}`, { maxBudget: 1 });
    const a = buildKeyIdentity({
      key: keyRow(`sk-a-${prefix}`, { teamId: team.id, maxParallelRequests: 1 }),
      team,
    });
    const b = buildKeyIdentity({ key: keyRow(`sk-b-${prefix}`, { teamId: team.id }), team });
    // A holds its one parallel slot (a small hold on the team line, far under its budget).
    const held = hookContext(a, { maxCost: 0.01 });
    await hooks.preCall(held);
    // A's next request, with an estimate over the team's budget, is refused for its parallel
    // limit; B asks at the same moment and must not see A's estimate held on the team.
    const [refused, other] = await Promise.allSettled([
      hooks.preCall(hookContext(a, { maxCost: 5 })),
      hooks.preCall(hookContext(b, { maxCost: 0.1 })),
    ]);
    expect(refused).toMatchObject({ status: "rejected", reason: { status: 429 } });
    expect(other.status === "rejected" ? other.reason : "admitted").toBe("admitted");
    expect(exceeded).toEqual([]);
    await hooks.postCall(held, { status: "success", cost: 0.01 });
  });
});
