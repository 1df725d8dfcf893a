import { describe, expect, it } from "vitest";
import { keyRow, teamRow } from "../__fixtures__/rows.ts";
import { hookContext } from "../__fixtures__/hook-context.ts";
import { createMemoryBudgetLedger } from "../budgets/memory-budget-ledger.ts";
import { buildKeyIdentity } from "../keys/build-key-identity.ts";
import type { MasterIdentity } from "../keys/identity.ts";
import { createMemoryRateLimiter } from "../limits/memory-rate-limiter.ts";
import { createMemorySpendJournal } from "../spend/memory-spend-journal.ts";
import { createFakeClock } from "../testing/fake-clock.ts";
import { createBudgetHooks, type BudgetExceededEvent } from "./create-budget-hooks.ts";

// x-litellm-key-spend / x-litellm-key-max-budget from what the hooks hold (no extra store read),
// and the budget-exceeded callback the gateway's budget_alerts listen to.

function setup() {
  const exceeded: BudgetExceededEvent[] = [];
  const hooks = createBudgetHooks({
    ledger: createMemoryBudgetLedger(),
    limiter: createMemoryRateLimiter(),
    journal: createMemorySpendJournal(),
    clock: createFakeClock(),
    onBudgetExceeded: (e) => exceeded.push(e),
  });
  const ask = (ctx: ReturnType<typeof hookContext>, cost: number) => {
    try {
      hooks.preCall(ctx);
    } catch (error) {
      hooks.postCall(ctx, { status: "failure", error: error as never });
      return { error, headers: undefined };
    }
    const headers = hooks.responseHeaders(ctx);
    hooks.postCall(ctx, {
      status: "success",
      cost,
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
    return { error: undefined, headers };
  };
  return { hooks, exceeded, ask };
}

describe("x-litellm-key-spend and x-litellm-key-max-budget", () => {
  it("a key with a budget reports the ledger's spend before each request, and its budget", () => {
    const { ask } = setup();
    const key = buildKeyIdentity({ key: keyRow("sk-a", { maxBudget: 1, spend: 0.25 }) });
    const first = ask(hookContext(key, { maxCost: 0.1 }), 0.1);
    expect(first.headers).toEqual({
      "x-litellm-key-spend": "0.25",
      "x-litellm-key-max-budget": "1.0",
    });
    // The settled cost of the first request, not the key's (cached) loaded figure.
    const second = ask(hookContext(key, { maxCost: 0.1 }), 0.1);
    expect(Number(second.headers?.["x-litellm-key-spend"])).toBeCloseTo(0.35, 12);
  });

  it("a key without a budget reports its loaded spend and no max budget header", () => {
    const { ask } = setup();
    const key = buildKeyIdentity({ key: keyRow("sk-b", { spend: 2 }) });
    expect(ask(hookContext(key), 0.5).headers).toEqual({ "x-litellm-key-spend": "2.0" });
  });

  it("the master key gets neither header", () => {
    const { ask } = setup();
    const master: MasterIdentity = { kind: "master", keyHash: "m" };
    expect(ask(hookContext(master), 0.5).headers).toBeUndefined();
  });
});

describe("onBudgetExceeded", () => {
  it("is told of each refusal for budget, with the line that refused", () => {
    const { ask, exceeded } = setup();
    const key = buildKeyIdentity({
      key: keyRow("sk-c", { teamId: "t1" }),
      team: teamRow("t1", { maxBudget: 0.2 }),
    });
    expect(ask(hookContext(key, { maxCost: 0.3 }), 0.3).error).toBeUndefined();
    expect(exceeded).toEqual([]);
    for (let i = 0; i < 3; i++) expect(ask(hookContext(key), 0).error).toBeDefined();
    expect(exceeded).toHaveLength(3); // the Alerter dedupes, not the hooks
    expect(exceeded[0]).toMatchObject({
      scope: "team",
      entityId: "t1",
      maxBudget: 0.2,
      spend: 0.3,
      reserved: 0,
      keyHash: key.keyHash,
    });
  });
});
