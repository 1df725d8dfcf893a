import { describe, expect, it } from "vitest";
import { budgetRow, keyRow, membershipRow, teamRow, userRow } from "../__fixtures__/rows.ts";
import { hookContext } from "../__fixtures__/hook-context.ts";
import { createMemoryBudgetLedger } from "../budgets/memory-budget-ledger.ts";
import { buildProfile, type EndUserDirectory } from "../end-users/end-user-directory.ts";
import { buildKeyIdentity } from "../keys/build-key-identity.ts";
import type { MasterIdentity } from "../keys/identity.ts";
import type { LoadedKey } from "../keys/loaded-key.ts";
import { createMemoryRateLimiter } from "../limits/memory-rate-limiter.ts";
import { createMemorySpendJournal } from "../spend/memory-spend-journal.ts";
import { createFakeClock } from "../testing/fake-clock.ts";
import { isPromise } from "../util/maybe-promise.ts";
import { createBudgetHooks, type SoftBudgetEvent } from "./create-budget-hooks.ts";

function setup(options: { endUsers?: EndUserDirectory } = {}) {
  const clock = createFakeClock();
  const ledger = createMemoryBudgetLedger();
  const limiter = createMemoryRateLimiter();
  const journal = createMemorySpendJournal();
  const events: SoftBudgetEvent[] = [];
  const hooks = createBudgetHooks({
    ledger,
    limiter,
    journal,
    clock,
    onSoftBudgetCrossed: (e) => events.push(e),
    ...options,
  });
  return { clock, ledger, limiter, journal, hooks, events };
}

const identity = (loaded: Partial<LoadedKey> & { key?: LoadedKey["key"] } = {}) =>
  buildKeyIdentity({ key: keyRow("sk-test-1"), ...loaded });

const ok = (cost: number, total = 15) =>
  ({
    status: "success",
    cost,
    usage: { prompt_tokens: 10, completion_tokens: total - 10, total_tokens: total },
  }) as const;

/** Runs one request through both hooks; returns the error preCall threw, if any. */
function run(
  hooks: ReturnType<typeof setup>["hooks"],
  ctx: ReturnType<typeof hookContext>,
  cost: number,
): unknown {
  try {
    const pending = hooks.preCall(ctx);
    if (isPromise(pending)) throw new Error("memory stores must answer synchronously");
  } catch (error) {
    hooks.postCall(ctx, { status: "failure", error: error as never });
    return error;
  }
  hooks.postCall(ctx, ok(cost));
  return undefined;
}

describe("createBudgetHooks with memory stores", () => {
  it("runs synchronously: no promise when nothing needs I/O", () => {
    const { hooks } = setup();
    const key = identity({ key: keyRow("sk-test-1", { maxBudget: 1, rpmLimit: 5 }) });
    const ctx = hookContext(key, { maxCost: 0.1 });
    expect(hooks.preCall(ctx)).toBeUndefined();
    expect(hooks.postCall(ctx, ok(0.05))).toBeUndefined();
  });

  it("refuses a model the key may not use, before touching limits or budgets", () => {
    const { hooks, journal } = setup();
    const key = identity({ key: keyRow("sk-test-1", { models: ["gpt-4"] }) });
    const error = run(hooks, hookContext(key, { model: "gpt-4o" }), 0);
    expect(error).toMatchObject({ status: 401, type: "key_model_access_denied" });
    expect(error).toHaveProperty("message", expect.stringContaining("Tried to access gpt-4o"));
    return journal.pending().then((n) => expect(n).toBe(1)); // the refusal is logged as a failure
  });

  it("holds the key's budget: the request that reaches it passes, the next is refused", () => {
    const { hooks } = setup();
    const key = identity({ key: keyRow("sk-test-1", { maxBudget: 0.3 }) });
    expect(run(hooks, hookContext(key, { maxCost: 0.2 }), 0.2)).toBeUndefined();
    expect(run(hooks, hookContext(key, { maxCost: 0.2 }), 0.2)).toBeUndefined(); // 0.2 < 0.3
    const error = run(hooks, hookContext(key, { maxCost: 0.2 }), 0.2);
    expect(error).toMatchObject({ status: 400, type: "budget_exceeded" });
    expect((error as Error).message).toBe(
      "Budget has been exceeded! Current cost: 0.4, Max budget: 0.3",
    );
  });

  it("counts requests in flight against the budget", () => {
    const { hooks } = setup();
    const key = identity({ key: keyRow("sk-test-1", { maxBudget: 1 }) });
    const first = hookContext(key, { maxCost: 0.6 });
    const second = hookContext(key, { maxCost: 0.6 });
    hooks.preCall(first);
    hooks.preCall(second);
    expect(() => hooks.preCall(hookContext(key, { maxCost: 0.6 }))).toThrow(
      /Current cost: 0\.0, Max budget: 1\.0 \(requests in flight hold 1\.2 more\)/,
    );
    // A failed request that cost nothing releases its hold.
    hooks.postCall(first, { status: "failure" });
    hooks.postCall(second, { status: "failure" });
    expect(() => hooks.preCall(hookContext(key, { maxCost: 0.6 }))).not.toThrow();
  });

  it("charges every level of a team key and names the one that ran out", () => {
    const { hooks } = setup();
    const key = identity({
      key: keyRow("sk-test-1", { teamId: "t1", userId: "u1" }),
      team: teamRow("t1", { maxBudget: 10 }),
      user: userRow("u1"),
      membership: membershipRow("t1", "u1", { budgetId: "mb" }),
      memberBudget: budgetRow("mb", { maxBudget: 0.5 }),
    });
    expect(run(hooks, hookContext(key, { maxCost: 0.5 }), 0.5)).toBeUndefined();
    expect(run(hooks, hookContext(key, { maxCost: 0.1 }), 0.1)).toMatchObject({
      message: "Budget has been exceeded! User=u1 in Team=t1 Current cost: 0.5, Max budget: 0.5",
    });
  });

  it("applies the request's end user budget (the `user` field)", () => {
    const endUsers: EndUserDirectory = {
      resolve: (id) => buildProfile(id, undefined, { maxBudget: 0.25 }),
      invalidate() {},
      close() {},
    };
    const { hooks } = setup({ endUsers });
    const master: MasterIdentity = { kind: "master", keyHash: "m" };
    expect(
      run(hooks, hookContext(master, { user: "customer-1", maxCost: 0.2 }), 0.3),
    ).toBeUndefined();
    expect(
      run(hooks, hookContext(master, { user: "customer-1", maxCost: 0.2 }), 0.3),
    ).toMatchObject({
      message: "ExceededBudget: End User=customer-1 over budget. Spend=0.3, Budget=0.25",
    });
    expect(
      run(hooks, hookContext(master, { user: "customer-2", maxCost: 0.2 }), 0),
    ).toBeUndefined();
  });

  it("refuses blocked end users with a 403", () => {
    const blocked = buildProfile(
      "bad",
      {
        endUser: {
          id: "bad",
          alias: null,
          spend: 0,
          allowedModelRegion: null,
          defaultModel: null,
          budgetId: null,
          blocked: true,
          createdAt: new Date(),
          updatedAt: new Date(),
        },
        budget: undefined,
      },
      {},
    );
    const endUsers: EndUserDirectory = {
      resolve: () => {
        if (blocked.blocked)
          throw Object.assign(new Error("End User=bad is blocked"), { status: 403 });
        return blocked;
      },
      invalidate() {},
      close() {},
    };
    const { hooks } = setup({ endUsers });
    expect(run(hooks, hookContext(identity(), { user: "bad" }), 0)).toMatchObject({ status: 403 });
  });

  it("enforces a per-model budget on the key", () => {
    const { hooks } = setup();
    const key = identity({
      key: keyRow("sk-test-1", {
        modelMaxBudget: { "gpt-4o": { budget_limit: 0.1, time_period: "1d" } },
      }),
    });
    expect(run(hooks, hookContext(key, { model: "gpt-4o", maxCost: 0.1 }), 0.1)).toBeUndefined();
    expect(run(hooks, hookContext(key, { model: "gpt-4o", maxCost: 0.1 }), 0.1)).toMatchObject({
      type: "budget_exceeded",
      message: expect.stringContaining("Model=gpt-4o"),
    });
    expect(
      run(hooks, hookContext(key, { model: "gpt-4o-mini", maxCost: 0.1 }), 0.1),
    ).toBeUndefined();
  });

  it("resets a budget_duration budget on schedule (fake clock)", () => {
    const { hooks, clock } = setup();
    const resetAt = new Date(clock.now() + 30 * 60_000);
    const key = identity({
      key: keyRow("sk-test-1", { maxBudget: 0.1, budgetDuration: "30m", budgetResetAt: resetAt }),
    });
    expect(run(hooks, hookContext(key, { maxCost: 0.1 }), 0.1)).toBeUndefined();
    expect(run(hooks, hookContext(key, { maxCost: 0.1 }), 0.1)).toMatchObject({ status: 400 });
    clock.advance(30 * 60_000);
    expect(run(hooks, hookContext(key, { maxCost: 0.1 }), 0.1)).toBeUndefined();
    // The identity still carries the old reset time (cached); the windows roll on regardless.
    clock.advance(30 * 60_000);
    expect(run(hooks, hookContext(key, { maxCost: 0.1 }), 0.1)).toBeUndefined();
    expect(run(hooks, hookContext(key, { maxCost: 0.1 }), 0.1)).toMatchObject({ status: 400 });
  });

  it("emits one soft-budget event when a settled request crosses the soft budget", () => {
    const { hooks, events } = setup();
    const key = identity({
      key: keyRow("sk-test-1", { budgetId: "kb", maxBudget: 10 }),
      keyBudget: budgetRow("kb", { softBudget: 0.5 }),
    });
    run(hooks, hookContext(key, { maxCost: 0.3 }), 0.3);
    expect(events).toEqual([]);
    run(hooks, hookContext(key, { maxCost: 0.3 }), 0.3);
    run(hooks, hookContext(key, { maxCost: 0.3 }), 0.3);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ scope: "key", softBudget: 0.5, maxBudget: 10, spend: 0.6 });
  });

  it("a soft budget is crossed once per budget window, a request in flight at the turn counting in the new one", () => {
    const { hooks, events, clock } = setup();
    const resetAt = clock.now() + 30_000;
    const key = identity({
      key: keyRow("sk-test-1", { budgetId: "kb", maxBudget: 10 }),
      keyBudget: budgetRow("kb", {
        softBudget: 0.5,
        budgetDuration: "30s",
        budgetResetAt: new Date(resetAt),
      }),
    });
    run(hooks, hookContext(key, { maxCost: 0.3 }), 0.3);
    run(hooks, hookContext(key, { maxCost: 0.3 }), 0.3); // 0.6: crossed in the first window
    expect(events.map((e) => e.spend)).toEqual([0.6]);
    clock.set(resetAt - 100);
    const running = hookContext(key, { maxCost: 0.3 });
    hooks.preCall(running);
    clock.set(resetAt + 10);
    hooks.postCall(running, ok(0.3)); // the new window's first 0.3: below the soft budget
    expect(events).toHaveLength(1);
    run(hooks, hookContext(key, { maxCost: 0.3 }), 0.3);
    expect(events.map((e) => e.spend)).toEqual([0.6, 0.6]);
  });

  it("rate limits with LiteLLM's 429, retry-after and x-ratelimit headers", () => {
    const { hooks, clock } = setup();
    const key = identity({ key: keyRow("sk-test-1", { rpmLimit: 2 }) });
    const first = hookContext(key);
    hooks.preCall(first);
    expect(hooks.responseHeaders(first)).toEqual({
      "x-ratelimit-remaining-requests": "1",
      "x-ratelimit-limit-requests": "2",
      "x-litellm-key-spend": "0.0", // a virtual key's spend (key-budget-headers.test.ts)
    });
    hooks.postCall(first, ok(0));
    run(hooks, hookContext(key), 0);
    const error = run(hooks, hookContext(key), 0) as {
      status: number;
      headers: Record<string, string>;
      message: string;
    };
    expect(error.status).toBe(429);
    expect(error.message).toMatch(
      /^Rate limit exceeded for api_key: [0-9a-f]{64}\. Limit type: requests\. Current limit: 2, Remaining: 0\./,
    );
    expect(error.headers).toMatchObject({
      "retry-after": "60",
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-api_key-remaining-requests": "0",
    });
    clock.advance(60_000);
    expect(run(hooks, hookContext(key), 0)).toBeUndefined();
  });

  it("frees the parallel slot when the request ends, and un-counts a request the budget refused", () => {
    const { hooks } = setup();
    const key = identity({
      key: keyRow("sk-test-1", { maxParallelRequests: 1, rpmLimit: 2, maxBudget: 0.1, spend: 0.1 }),
    });
    // Refused by the budget after the limiter admitted it: the limiter must not keep counting it.
    expect(run(hooks, hookContext(key, { maxCost: 0.01 }), 0)).toMatchObject({ status: 400 });
    expect(run(hooks, hookContext(key, { maxCost: 0.01 }), 0)).toMatchObject({ status: 400 });
    expect(run(hooks, hookContext(key, { maxCost: 0.01 }), 0)).toMatchObject({ status: 400 });
  });

  it("journals a spend record per request with LiteLLM's fields", async () => {
    const { hooks, journal } = setup();
    const key = identity({
      key: keyRow("sk-test-1", { teamId: "t1", userId: "u1" }),
      team: teamRow("t1"),
    });
    run(hooks, hookContext(key, { maxCost: 0.2, user: "cust" }), 0.0123);
    const [entry] = await journal.read(10);
    expect(entry?.record).toMatchObject({
      callType: "acompletion",
      apiKeyHash: key.keyHash,
      spend: 0.0123,
      promptTokens: 10,
      completionTokens: 5,
      totalTokens: 15,
      model: "openai/gpt-4o",
      modelGroup: "gpt-4o",
      provider: "openai",
      virtualKey: true,
      teamId: "t1",
      userId: "u1",
      endUserId: "cust",
      status: "success",
    });
  });

  it("does nothing for requests without an identity but still records them", async () => {
    const { hooks, journal } = setup();
    const ctx = hookContext(undefined);
    expect(hooks.preCall(ctx)).toBeUndefined();
    hooks.postCall(ctx, ok(0.01));
    expect((await journal.read(1))[0]?.record.apiKeyHash).toBe("");
  });
});

describe("createBudgetHooks when a store fails", () => {
  const failingLedger = () => {
    const ledger = createMemoryBudgetLedger();
    return {
      ...ledger,
      reserve: () => Promise.reject(new Error("redis down")),
    };
  };

  it("answers 503 by default and frees the rate limit slot it took", async () => {
    const limiter = createMemoryRateLimiter();
    const hooks = createBudgetHooks({
      ledger: failingLedger(),
      limiter,
      journal: createMemorySpendJournal(),
    });
    const key = identity({ key: keyRow("sk-test-1", { maxBudget: 1, maxParallelRequests: 1 }) });
    await expect(hooks.preCall(hookContext(key, { maxCost: 0.1 }))).rejects.toMatchObject({
      status: 503,
    });
    // The parallel slot was released: a second attempt fails on the ledger again, not on the limit.
    await expect(hooks.preCall(hookContext(key, { maxCost: 0.1 }))).rejects.toMatchObject({
      status: 503,
    });
  });

  it("serves unchecked when told to (onStoreError: allow)", async () => {
    const hooks = createBudgetHooks({
      ledger: failingLedger(),
      limiter: createMemoryRateLimiter(),
      journal: createMemorySpendJournal(),
      onStoreError: "allow",
    });
    const key = identity({ key: keyRow("sk-test-1", { maxBudget: 1 }) });
    await expect(hooks.preCall(hookContext(key, { maxCost: 0.1 }))).resolves.toBeUndefined();
  });
});
