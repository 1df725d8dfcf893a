import { describe, expect, it } from "vitest";
import { describeLedgerContract, line } from "../__fixtures__/ledger-contract.ts";
import { isPromise } from "../util/maybe-promise.ts";
import { createMemoryBudgetLedger } from "./memory-budget-ledger.ts";

describeLedgerContract("memory", (options) => createMemoryBudgetLedger(options));

describe("memory ledger", () => {
  it("answers synchronously (no promise on the hot path)", () => {
    const ledger = createMemoryBudgetLedger();
    const team = line();
    const reserved = ledger.reserve({ id: "a", lines: [team], amount: 0.1, now: 0 });
    expect(isPromise(reserved)).toBe(false);
    if (isPromise(reserved) || !reserved.ok) throw new Error("expected a sync hold");
    expect(isPromise(ledger.settle(reserved.reservation, 0.1, 0))).toBe(false);
  });
});

describe("memory ledger idle lines", () => {
  it("drops lines idle for a day, which then start again from the database's spend", () => {
    const ledger = createMemoryBudgetLedger({ idleTtlMs: 1000 });
    const team = line({ maxBudget: 10 });
    const r = ledger.reserve({ id: "a", lines: [team], amount: 0, now: 0 });
    if (isPromise(r) || !r.ok) throw new Error("expected a hold");
    ledger.settle(r.reservation, 3, 0);
    for (let i = 0; i < 10_000; i++)
      ledger.reserve({ id: `o${i}`, lines: [], amount: 0, now: 5000 });
    expect(ledger.read({ ...team, seedSpend: 3.5 }, 5000)).toEqual({ spend: 3.5, reserved: 0 });
  });
});
