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
import { combinedRedisAdmission } from "./redis-combined-admission.ts";

const url = integrationUrl("TEST_REDIS_URL");

/** A client whose script calls (EVALSHA, EVAL) are counted. */
function countedClient() {
  const redis = new Redis(url!, { enableAutoPipelining: true });
  const scripts = { count: 0 };
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: { name: string }) => {
    if (command.name === "evalsha" || command.name === "eval") scripts.count++;
    return send(command as never);
  }) as typeof redis.sendCommand;
  return { redis, scripts };
}

/**
 * The limiter and the ledger on one Redis client run each request's admission and settling as
 * one script each (redis-combined-admission.ts). Proven against the same stores on two clients,
 * where each store runs its own scripts one after the other: the same requests get the same
 * answers, headers and budgets, in half the round trips.
 */
describe.skipIf(!url)("combined admission on Redis (TEST_REDIS_URL)", () => {
  const prefix = uniquePrefix("combined");
  const shared = countedClient();
  const apart = [countedClient(), countedClient()] as const;
  const clients: Redis[] = [shared.redis, ...apart.map((c) => c.redis)];

  const storesOn = (name: string, ledgerRedis: Redis, limiterRedis: Redis) => {
    const ledger = createRedisBudgetLedger({
      redis: ledgerRedis,
      keyPrefix: `${prefix}${name}:l:`,
    });
    const limiter = createRedisRateLimiter({
      redis: limiterRedis,
      keyPrefix: `${prefix}${name}:r:`,
    });
    const exceeded: unknown[] = [];
    const hooks = createBudgetHooks({
      ledger,
      limiter,
      journal: createMemorySpendJournal(),
      onBudgetExceeded: (event) => exceeded.push(event.scope),
    });
    return { ledger, limiter, hooks, exceeded };
  };
  const together = storesOn("together", shared.redis, shared.redis);
  const separate = storesOn("separate", apart[0].redis, apart[1].redis);

  afterAll(async () => {
    await dropPrefix(shared.redis, prefix);
    for (const client of clients) client.disconnect();
  });

  it("is used only when both stores are on Redis through one client", () => {
    expect(combinedRedisAdmission(together.limiter, together.ledger)).toBeDefined();
    expect(combinedRedisAdmission(separate.limiter, separate.ledger)).toBeUndefined();
  });

  it("admits and settles a request in one round trip each", async () => {
    const team = teamRow(`team-trips-${prefix}`, { maxBudget: 100 });
    const key = buildKeyIdentity({
      key: keyRow(`sk-trips-${prefix}`, { teamId: team.id, rpmLimit: 100, maxBudget: 10 }),
      team,
    });
    const settle = (c: ReturnType<typeof hookContext>) =>
      together.hooks.postCall(c, {
        status: "success",
        cost: 0.25,
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      });
    // The first use loads the scripts (EVALSHA answers NOSCRIPT, then EVAL): not counted.
    const first = hookContext(key, { maxCost: 0.5 });
    await together.hooks.preCall(first);
    await settle(first);
    await vi.waitFor(async () =>
      expect((await together.ledger.read(key.budgetLines[0]!, Date.now())).reserved).toBe(0),
    );
    const ctx = hookContext(key, { maxCost: 0.5 });
    const before = shared.scripts.count;
    await together.hooks.preCall(ctx);
    expect(shared.scripts.count - before).toBe(1);
    await settle(ctx);
    await vi.waitFor(() => expect(shared.scripts.count - before).toBe(2));
    await vi.waitFor(async () =>
      expect(await together.ledger.read(key.budgetLines[0]!, Date.now())).toEqual({
        spend: 0.5,
        reserved: 0,
      }),
    );
  });

  it("answers, holds and charges exactly as the stores one after the other", async () => {
    // Per path, one team with a budget and two keys in it: one with a small budget of its own
    // (refusals for budget), one with rpm 4 and 2 parallel slots (refusals for limits).
    const scenario = (name: string) => {
      const team = teamRow(`team-${name}-${prefix}`, { maxBudget: 5 });
      const tight = buildKeyIdentity({
        key: keyRow(`sk-${name}-budget-${prefix}`, { teamId: team.id, maxBudget: 0.5 }),
        team,
      });
      const limited = buildKeyIdentity({
        key: keyRow(`sk-${name}-limits-${prefix}`, {
          teamId: team.id,
          rpmLimit: 4,
          tpmLimit: 1_000,
          maxParallelRequests: 2,
          maxBudget: 100,
        }),
        team,
      });
      return [tight, limited] as const;
    };
    const run = async (stores: typeof together, name: string) => {
      const keys = scenario(name);
      const log: unknown[] = [];
      // [key, estimate]: the budget key's holds are refused once spend + holds reach 0.5; the
      // limits key's third call in parallel, and its fifth in the minute, are 429s.
      const steps: [0 | 1, number][] = [
        [0, 0.4],
        [1, 0.1],
        [1, 0.1],
        [0, 0.4],
        [1, 0.1],
        [1, 0.1],
        [0, 0.1],
        [1, 0.1],
        [1, 0.1],
      ];
      const open: ReturnType<typeof hookContext>[] = [];
      for (const [i, [which, maxCost]] of steps.entries()) {
        const ctx = hookContext(keys[which], { maxCost, promptTokens: 20 });
        try {
          await stores.hooks.preCall(ctx);
          log.push({ i, admitted: true, headers: stores.hooks.responseHeaders(ctx) });
          open.push(ctx);
        } catch (error) {
          const e = error as { status?: number; type?: string; message?: string };
          log.push({ i, status: e.status, type: e.type, message: e.message });
        }
        // Settle the oldest open request every third step, so slots and holds move.
        if (i % 3 === 2 && open.length > 0) {
          await stores.hooks.postCall(open.shift()!, {
            status: "success",
            cost: 0.3,
            usage: { prompt_tokens: 20, completion_tokens: 30, total_tokens: 50 },
          });
        }
      }
      for (const ctx of open) await stores.hooks.postCall(ctx, { status: "failure", cost: 0 });
      const lines = keys.flatMap((key) => key.budgetLines);
      await vi.waitFor(async () => {
        for (const line of lines) {
          expect((await stores.ledger.read(line, Date.now())).reserved).toBe(0);
        }
      });
      const budgets = await Promise.all(lines.map((line) => stores.ledger.read(line, Date.now())));
      return { log, budgets, exceeded: [...stores.exceeded] };
    };
    // Both runs in one rpm window: a minute that ends between them refuses differently.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_050 - intoMinute));
    const a = await run(together, "together");
    const b = await run(separate, "separate");
    // Messages name the key (its hash), which differs per path: compare the rest.
    const strip = (r: typeof a) =>
      JSON.parse(
        JSON.stringify(r)
          .replaceAll("together", "X")
          .replaceAll("separate", "X")
          .replace(/[0-9a-f]{64}/g, "<hash>"),
      );
    expect(strip(a)).toEqual(strip(b));
    // And the scenario did exercise every branch: admitted, parallel 429, budget 400.
    const outcomes = a.log.map((entry) => {
      const e = entry as { admitted?: boolean; status?: number };
      return e.admitted ? 200 : e.status;
    });
    expect(outcomes).toContain(200);
    expect(outcomes).toContain(429);
    expect(outcomes).toContain(400);
  });

  it("a ledger failure after the limits admitted gives the lease back, as one after the other", async () => {
    const stores = storesOn("fault", shared.redis, shared.redis);
    const key = buildKeyIdentity({
      key: keyRow(`sk-fault-${prefix}`, { maxParallelRequests: 1, maxBudget: 10 }),
    });
    // The line's hash holds the wrong type: the ledger's part of the script fails after the
    // limiter's part took the key's only parallel slot.
    const hash = `${prefix}fault:l:b:${key.budgetLines[0]!.id}`;
    await shared.redis.set(hash, "not a hash");
    const failed = Promise.resolve(stores.hooks.preCall(hookContext(key, { maxCost: 0.1 })));
    await expect(failed).rejects.toMatchObject({ status: 503 });
    await shared.redis.del(hash);
    // The slot was given back: the next request is admitted, not refused for parallel calls.
    const ctx = hookContext(key, { maxCost: 0.1 });
    await stores.hooks.preCall(ctx);
    await stores.hooks.postCall(ctx, { status: "success", cost: 0.1 });
  });

  it("a ledger failure at settling still frees the parallel slot, as one after the other", async () => {
    const stores = storesOn("settle-fault", shared.redis, shared.redis);
    const key = buildKeyIdentity({
      key: keyRow(`sk-settle-fault-${prefix}`, { maxParallelRequests: 1, maxBudget: 10 }),
    });
    const ctx = hookContext(key, { maxCost: 0.1 });
    await stores.hooks.preCall(ctx);
    // The line's hash now holds the wrong type: the ledger's part of the settle fails.
    const hash = `${prefix}settle-fault:l:b:${key.budgetLines[0]!.id}`;
    await shared.redis.del(hash);
    await shared.redis.set(hash, "not a hash");
    await stores.hooks.postCall(ctx, { status: "success", cost: 0.1 });
    await shared.redis.del(hash);
    // The slot was freed all the same: the next request is admitted.
    const next = hookContext(key, { maxCost: 0.1 });
    await vi.waitFor(() => stores.hooks.preCall(next));
    await stores.hooks.postCall(next, { status: "success", cost: 0.1 });
  });

  it("a lost reply is not followed by a second hold under the same id", async () => {
    // A client on which the next script runs but its reply is lost, as when the connection
    // drops after the command was sent.
    const lossy = new Redis(url!);
    clients.push(lossy);
    let loseNext = false;
    const send = lossy.sendCommand.bind(lossy);
    lossy.sendCommand = ((command: { name: string }) => {
      const result = send(command as never) as Promise<unknown>;
      if (!loseNext || (command.name !== "evalsha" && command.name !== "eval")) return result;
      return result.then(() => {
        loseNext = false;
        throw new Error("Connection is closed.");
      });
    }) as typeof lossy.sendCommand;
    const now = Date.now();
    const ledger = createRedisBudgetLedger({
      redis: lossy,
      keyPrefix: `${prefix}lost:l:`,
      holdTtlMs: 1_000,
    });
    const limiter = createRedisRateLimiter({ redis: lossy, keyPrefix: `${prefix}lost:r:` });
    const hooks = createBudgetHooks({
      ledger,
      limiter,
      journal: createMemorySpendJournal(),
      onStoreError: "allow",
      clock: { now: () => now },
    });
    const key = buildKeyIdentity({
      key: keyRow(`sk-lost-${prefix}`, { rpmLimit: 100, maxBudget: 10 }),
    });
    const ctx = hookContext(key, { maxCost: 0.5 });
    // Connected first: a command queued offline goes through sendCommand a second time.
    await lossy.ping();
    loseNext = true;
    await hooks.preCall(ctx);
    expect(loseNext).toBe(false);
    await hooks.postCall(ctx, { status: "success", cost: 0.5 });
    // Once the unsettled hold has expired, nothing is held on the line: a second hold under the
    // same id added 0.5 again, and its settle took back only one, for good.
    await vi.waitFor(async () =>
      expect((await ledger.read(key.budgetLines[0]!, now + 2_000)).reserved).toBe(0),
    );
  });

  it("a Redis that does not answer is a 503, or an unchecked request when told to allow", async () => {
    // Nothing listens on port 1: every command fails at once (no offline queue, no retries).
    const down = new Redis({
      port: 1,
      host: "127.0.0.1",
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    down.on("error", () => {});
    clients.push(down);
    const key = buildKeyIdentity({
      key: keyRow(`sk-down-${prefix}`, { rpmLimit: 10, maxBudget: 10 }),
    });
    for (const onStoreError of ["reject", "allow"] as const) {
      const ledger = createRedisBudgetLedger({ redis: down });
      const limiter = createRedisRateLimiter({ redis: down });
      expect(combinedRedisAdmission(limiter, ledger)).toBeDefined();
      const hooks = createBudgetHooks({
        ledger,
        limiter,
        journal: createMemorySpendJournal(),
        onStoreError,
      });
      const ctx = hookContext(key, { maxCost: 0.1 });
      const admitted = Promise.resolve(hooks.preCall(ctx));
      if (onStoreError === "reject") await expect(admitted).rejects.toMatchObject({ status: 503 });
      else {
        await expect(admitted).resolves.toBeUndefined();
        // Nothing was held, so settling has nothing to send (and must not throw).
        await hooks.postCall(ctx, { status: "success", cost: 0.1 });
      }
    }
  });
});
