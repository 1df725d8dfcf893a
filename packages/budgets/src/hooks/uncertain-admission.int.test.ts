import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { hookContext } from "../__fixtures__/hook-context.ts";
import { dropPrefix, integrationUrl, uniquePrefix } from "../__fixtures__/integration.ts";
import { keyRow } from "../__fixtures__/rows.ts";
import { createMemoryBudgetLedger } from "../budgets/memory-budget-ledger.ts";
import { createRedisBudgetLedger } from "../budgets/redis-budget-ledger.ts";
import { buildKeyIdentity } from "../keys/build-key-identity.ts";
import { createRedisRateLimiter } from "../limits/redis-rate-limiter.ts";
import { createMemorySpendJournal } from "../spend/memory-spend-journal.ts";
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
    // A reply lost after the script ran, the caller told it failed: what ioredis does to the
    // unanswered commands of an auto-pipelined batch when the connection drops ("Command aborted
    // due to connection close"), or to a command it gave up on.
    const faults = { loseNextScriptReply: false };
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = ((command: { name: string }) => {
      const result = send(command as never) as Promise<unknown>;
      if (!faults.loseNextScriptReply || command.name !== "evalsha") return result;
      faults.loseNextScriptReply = false;
      return result.then(() => {
        throw new Error("Command aborted due to connection close");
      });
    }) as typeof redis.sendCommand;
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
