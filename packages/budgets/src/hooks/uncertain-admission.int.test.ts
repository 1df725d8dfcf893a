import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { hookContext } from "../__fixtures__/hook-context.ts";
import { loseScriptReplies } from "../__fixtures__/lost-script-reply.ts";
import { dropPrefix, integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { keyRow } from "../__fixtures__/rows.ts";
import { createMemoryBudgetLedger } from "../budgets/memory-budget-ledger.ts";
import { createRedisBudgetLedger } from "../budgets/redis-budget-ledger.ts";
import { buildKeyIdentity } from "../keys/build-key-identity.ts";
import { createRedisRateLimiter } from "../limits/redis-rate-limiter.ts";
import { createMemorySpendJournal } from "../spend/memory-spend-journal.ts";
import { createFakeClock } from "../testing/fake-clock.ts";
import { createBudgetHooks } from "./create-budget-hooks.ts";

const url = integrationUrl("TEST_REDIS_URL");

/**
 * An admission whose command ran in Redis but whose answer never came back (the caller was told
 * it failed): the request goes on unchecked (`onStoreError: allow`),
 * and whatever the script took (the request's count, its parallel slot, its budget hold) is
 * taken back once Redis answers again. Before, the slot stayed taken for 10 minutes: a key with
 * max_parallel_requests 1 was refused (429) until then.
 */
describe.skipIf(!url)("an admission whose answer was lost (TEST_REDIS_URL)", () => {
  const prefix = uniquePrefix("uncertain-admission");
  const admin = url ? new Redis(url) : undefined;
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    await dropPrefix(admin!, prefix);
    admin!.disconnect();
  });

  const setUp = async (name: string, ledgerOnRedis: boolean) => {
    const redis = new Redis(url!);
    cleanup.push(() => redis.disconnect());
    // A reply lost after the script ran, the caller told it failed (an aborted pipelined batch).
    const faults = loseScriptReplies(redis, "Command aborted due to connection close");
    const errors: string[] = [];
    const logger = { warn() {}, error: (message: string) => errors.push(message) };
    const limiter = createRedisRateLimiter({ redis, keyPrefix: `${prefix}${name}:r:` });
    const ledger = ledgerOnRedis
      ? createRedisBudgetLedger({ redis, keyPrefix: `${prefix}${name}:l:` })
      : createMemoryBudgetLedger();
    const hooks = createBudgetHooks({
      ledger,
      limiter,
      journal: createMemorySpendJournal(),
      logger,
      onStoreError: "allow",
    });
    const key = buildKeyIdentity({
      key: keyRow(`sk-${name}-${prefix}`, { rpmLimit: 10, maxParallelRequests: 1, maxBudget: 1 }),
    });
    const rateKey = `${prefix}${name}:r:r:${key.rateLimits[0]!.id}`;
    const slots = `${prefix}${name}:r:rp:${key.rateLimits[0]!.id}`;
    // Loads the scripts: the lost reply below is the admission's, not a NOSCRIPT.
    const warm = hookContext(key, { maxCost: 0.1, start: Date.now() });
    await hooks.preCall(warm);
    await hooks.postCall(warm, { status: "success", cost: 0 });
    return { faults, hooks, ledger, key, rateKey, slots, errors };
  };

  it.each([
    ["the limiter's acquire", false],
    ["the combined admission (limits and budget hold)", true],
  ])("%s: what it took is taken back, and the next request is admitted", async (_, onRedis) => {
    const { faults, hooks, ledger, key, rateKey, slots, errors } = await setUp(
      onRedis ? "combined" : "limiter",
      onRedis,
    );
    const lost = hookContext(key, { maxCost: 0.5, start: Date.now() });
    faults.loseNextScriptReply = true;
    await hooks.preCall(lost); // goes on unchecked
    expect(faults.loseNextScriptReply).toBe(false);
    expect(errors.some((m) => /failed/.test(m))).toBe(true);
    // The script ran (the slot was taken); it is given back once Redis answers again.
    await vi.waitFor(
      async () => {
        expect(await admin!.zcard(slots)).toBe(0);
        expect(Number(await admin!.hget(rateKey, "q"))).toBe(1); // the warm-up only
        if (onRedis) {
          expect((await ledger.read(key.budgetLines[0]!, Date.now())).reserved).toBe(0);
        }
      },
      { timeout: 5_000, interval: 50 },
    );
    await hooks.postCall(lost, { status: "success", cost: 0.25 });
    const next = hookContext(key, { maxCost: 0.1, start: Date.now() });
    await expect(hooks.preCall(next)).resolves.toBeUndefined();
    await hooks.postCall(next, { status: "success", cost: 0 });
  });
});

/**
 * The take-back is tried again for up to two minutes while Redis does not answer. A settle of
 * nothing sent then with the admission's own time opens the budget line in the window the
 * admission was in: once a short window ("30s") had rolled, the line's new window (what the
 * requests of the meantime had spent) was thrown away and the line set back to the old window.
 */
describe.skipIf(!url)(
  "a take-back tried again after a budget window rolled (TEST_REDIS_URL)",
  () => {
    const prefix = uniquePrefix("uncertain-late");
    const admin = url ? new Redis(url) : undefined;
    const redis = url ? new Redis(url) : undefined;
    afterAll(async () => {
      redis!.disconnect();
      await dropPrefix(admin!, prefix);
      admin!.disconnect();
    });

    it("leaves the new window's spend as it is", async () => {
      // Lose the next script's reply, then refuse the one after unsent (Redis still away).
      const faults = { loseReply: false, refuseNext: false, sent: [] as Promise<unknown>[] };
      const send = redis!.sendCommand.bind(redis!);
      redis!.sendCommand = ((command: { name: string }) => {
        if (command.name !== "evalsha") return send(command as never);
        if (faults.refuseNext) {
          faults.refuseNext = false;
          return Promise.reject(new Error("Connection is closed."));
        }
        const result = send(command as never) as Promise<unknown>;
        faults.sent.push(result.catch(() => undefined));
        if (!faults.loseReply) return result;
        faults.loseReply = false;
        faults.refuseNext = true;
        return result.then(() => {
          throw new Error("Command aborted due to connection close");
        });
      }) as Redis["sendCommand"];
      // A key whose "30s" budget window ends 20 s from now.
      const clock = createFakeClock(Math.floor(Date.now() / 30_000) * 30_000 + 10_000);
      const windowEnd = clock.now() + 20_000;
      const ledger = createRedisBudgetLedger({ redis: redis!, keyPrefix: `${prefix}l:` });
      const hooks = createBudgetHooks({
        ledger,
        limiter: createRedisRateLimiter({ redis: redis!, keyPrefix: `${prefix}r:` }),
        journal: createMemorySpendJournal(),
        logger: { warn() {}, error() {} },
        onStoreError: "allow",
        clock,
      });
      const key = buildKeyIdentity({
        key: keyRow(`sk-late-${prefix}`, {
          rpmLimit: 100,
          maxBudget: 10,
          budgetDuration: "30s",
          budgetResetAt: new Date(windowEnd),
        }),
      });
      const warm = hookContext(key, { maxCost: 0.1 });
      await hooks.preCall(warm);
      await hooks.postCall(warm, { status: "success", cost: 0 });

      faults.loseReply = true;
      const lost = hookContext(key, { maxCost: 0.5 });
      await hooks.preCall(lost); // goes on unchecked; the first take-back is refused
      expect(faults.refuseNext).toBe(false);
      // The window rolls; a request of the new one spends 0.25.
      clock.set(windowEnd + 1_000);
      const next = hookContext(key, { maxCost: 0.1 });
      await hooks.preCall(next);
      await hooks.postCall(next, { status: "success", cost: 0.25 });
      const line = key.budgetLines[0]!;
      expect((await ledger.read(line, clock.now())).spend).toBe(0.25);

      // The take-back's second try (2 s later) runs its release and its settle.
      const before = faults.sent.length;
      await vi.waitFor(() => expect(faults.sent.length).toBeGreaterThanOrEqual(before + 2), {
        timeout: 5_000,
        interval: 50,
      });
      await Promise.all(faults.sent);
      expect((await ledger.read(line, clock.now())).spend).toBe(0.25);
    }, 15_000);
  },
);
