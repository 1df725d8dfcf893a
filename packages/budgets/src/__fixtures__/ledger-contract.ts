import { afterEach, describe, expect, it } from "vitest";
import { budgetDuration } from "../budgets/budget-duration.ts";
import type { BudgetLedger } from "../budgets/budget-ledger.ts";
import type { BudgetLine } from "../budgets/budget-line.ts";

let seq = 0;
export function line(patch: Partial<BudgetLine> = {}): BudgetLine {
  const id = `line-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    id,
    scope: "team",
    entityId: id,
    maxBudget: 1,
    softBudget: undefined,
    seedSpend: 0,
    duration: undefined,
    resetAt: undefined,
    ...patch,
  };
}

const T0 = Date.UTC(2025, 2, 12, 10, 0, 0);

/** The behaviour every BudgetLedger implementation must have (memory and Redis run it). */
export function describeLedgerContract(
  name: string,
  make: (options: { holdTtlMs?: number }) => Promise<BudgetLedger> | BudgetLedger,
): void {
  describe(`${name}: BudgetLedger contract`, () => {
    const open: BudgetLedger[] = [];
    const ledger = async (options: { holdTtlMs?: number } = {}) => {
      const l = await make(options);
      open.push(l);
      return l;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((l) => l.close()));
    });

    it("admits while spend plus holds is under the max, holding the estimate", async () => {
      const l = await ledger();
      const team = line({ maxBudget: 1 });
      const a = await l.reserve({ id: "a", lines: [team], amount: 0.6, now: T0 });
      expect(a.ok).toBe(true);
      const b = await l.reserve({ id: "b", lines: [team], amount: 0.6, now: T0 });
      expect(b.ok).toBe(true); // 0 + 0.6 < 1: admitted, may end at most one estimate over
      const c = await l.reserve({ id: "c", lines: [team], amount: 0.6, now: T0 });
      expect(c).toMatchObject({ ok: false, spend: 0, reserved: 1.2 });
      expect(await l.read(team, T0)).toEqual({ spend: 0, reserved: 1.2 });
    });

    it("an admitted hold reports each line's settled spend before it (x-litellm-key-spend)", async () => {
      const l = await ledger();
      const key = line({ scope: "key", maxBudget: 10, seedSpend: 0.25 });
      const soft = line({ maxBudget: undefined, softBudget: 5, seedSpend: 1.5 });
      const a = await l.reserve({ id: "a", lines: [key, soft], amount: 0.5, now: T0 });
      expect(a).toMatchObject({ ok: true, spends: [0.25, 1.5] });
      if (a.ok) await l.settle(a.reservation, 0.125, T0);
      // Holds of requests in flight are not spend: only the settled cost moves it.
      await l.reserve({ id: "b", lines: [key], amount: 3, now: T0 });
      const c = await l.reserve({ id: "c", lines: [key, soft], amount: 0.5, now: T0 });
      expect(c).toMatchObject({ ok: true, spends: [0.375, 1.625] });
    });

    it("a hold above what is left still runs, and holds everything left", async () => {
      // The router's bound for a request may exceed the whole budget (budgets README, "Budgets
      // that hold"): it is admitted while something is left, and then nothing else is.
      const l = await ledger();
      const team = line({ maxBudget: 1, seedSpend: 0.9 });
      const big = await l.reserve({ id: "big", lines: [team], amount: 5, now: T0 });
      expect(big.ok).toBe(true);
      const tiny = await l.reserve({ id: "tiny", lines: [team], amount: 1e-9, now: T0 });
      expect(tiny).toMatchObject({ ok: false, spend: 0.9, reserved: 5 });
      if (!big.ok) throw new Error("expected a hold");
      // Settled at its actual cost, the rest of the budget is free again.
      await l.settle(big.reservation, 0.05, T0);
      const after = await l.reserve({ id: "after", lines: [team], amount: 0.01, now: T0 });
      expect(after.ok).toBe(true);
    });

    it("holds on every line or on none", async () => {
      const l = await ledger();
      const key = line({ scope: "key", maxBudget: 10 });
      const team = line({ maxBudget: 1, seedSpend: 1 });
      const refused = await l.reserve({ id: "a", lines: [key, team], amount: 0.5, now: T0 });
      expect(refused).toMatchObject({ ok: false, spend: 1, reserved: 0 });
      if (!refused.ok) expect(refused.line.id).toBe(team.id);
      expect(await l.read(key, T0)).toEqual({ spend: 0, reserved: 0 });
    });

    it("settles to the actual cost and releases the rest; a failure releases everything", async () => {
      const l = await ledger();
      const team = line({ maxBudget: 1, seedSpend: 0.25 });
      const a = await l.reserve({ id: "a", lines: [team], amount: 0.5, now: T0 });
      const b = await l.reserve({ id: "b", lines: [team], amount: 0.5, now: T0 });
      if (!a.ok || !b.ok) throw new Error("expected holds");
      const settled = await l.settle(a.reservation, 0.1, T0);
      expect(settled[0]).toMatchObject({ before: 0.25, after: 0.35 });
      await l.settle(b.reservation, 0, T0);
      const state = await l.read(team, T0);
      expect(state.reserved).toBe(0);
      expect(state.spend).toBeCloseTo(0.35, 12);
    });

    it("lets tracked lines without a max budget through (soft budgets only)", async () => {
      const l = await ledger();
      const soft = line({ maxBudget: undefined, softBudget: 0.5, seedSpend: 100 });
      const r = await l.reserve({ id: "a", lines: [soft], amount: 1, now: T0 });
      expect(r.ok).toBe(true);
    });

    it("starts a new window from zero when the budget duration rolls over", async () => {
      const l = await ledger();
      const resetAt = Date.UTC(2025, 2, 13); // next midnight
      const team = line({ maxBudget: 1, seedSpend: 0.99, duration: budgetDuration("1d"), resetAt });
      const a = await l.reserve({ id: "a", lines: [team], amount: 0.5, now: T0 });
      if (!a.ok) throw new Error("expected a hold");
      await l.settle(a.reservation, 0.5, T0);
      expect((await l.reserve({ id: "b", lines: [team], amount: 0.1, now: T0 })).ok).toBe(false);
      // The gateway may have been down at midnight: the next request still starts fresh.
      const nextDay = resetAt + 3 * 3_600_000;
      expect(await l.read(team, nextDay)).toEqual({ spend: 0, reserved: 0 });
      expect((await l.reserve({ id: "c", lines: [team], amount: 0.1, now: nextDay })).ok).toBe(true);
    });

    it("charges a request settled after the window rolled to the new window", async () => {
      const l = await ledger();
      const resetAt = T0 + 30_000;
      const team = line({ maxBudget: 1, duration: budgetDuration("30s"), resetAt });
      const a = await l.reserve({ id: "a", lines: [team], amount: 0.5, now: T0 });
      if (!a.ok) throw new Error("expected a hold");
      await l.settle(a.reservation, 0.2, resetAt + 1);
      expect(await l.read(team, resetAt + 1)).toEqual({ spend: 0.2, reserved: 0 });
    });

    it("a request in flight at the turn of the window keeps its hold in the new window, where it settles", async () => {
      // A request counts in the window it ends in (the ledger settles it there, the reset job
      // sums the logs by their end): its hold has to be there too. Dropped at the turn, the new
      // window admitted as if it were not running, and its cost landed on top.
      const l = await ledger();
      const resetAt = T0 + 30_000;
      const team = line({ maxBudget: 1, duration: budgetDuration("30s"), resetAt });
      const running = await l.reserve({ id: "running", lines: [team], amount: 0.6, now: resetAt - 1000 });
      if (!running.ok) throw new Error("expected a hold in the old window");
      expect(await l.read(team, resetAt + 1)).toEqual({ spend: 0, reserved: 0.6 });
      const b = await l.reserve({ id: "b", lines: [team], amount: 0.5, now: resetAt + 2 });
      if (!b.ok) throw new Error("expected b admitted (0.6 held of 1)");
      // 0.6 + 0.5 held: the budget is spoken for until one of them settles.
      expect((await l.reserve({ id: "c", lines: [team], amount: 0.1, now: resetAt + 3 })).ok).toBe(false);
      await l.settle(running.reservation, 0.6, resetAt + 4);
      await l.settle(b.reservation, 0.5, resetAt + 5);
      const state = await l.read(team, resetAt + 6);
      // Over by the last request admitted at most, as within a window.
      expect(state.spend).toBeCloseTo(1.1, 12);
      expect(state.reserved).toBe(0);
    });

    it("a hold carried into the new window still expires", async () => {
      const l = await ledger({ holdTtlMs: 60_000 });
      const resetAt = T0 + 30_000;
      const team = line({ maxBudget: 1, duration: budgetDuration("30s"), resetAt });
      expect((await l.reserve({ id: "lost", lines: [team], amount: 1, now: resetAt - 1000 })).ok).toBe(true);
      expect((await l.reserve({ id: "b", lines: [team], amount: 0.1, now: resetAt + 1 })).ok).toBe(false);
      // The instance that held it died: 60 s after the hold, the new window is free again.
      expect(await l.read(team, resetAt + 59_000)).toEqual({ spend: 0, reserved: 0 });
      expect((await l.reserve({ id: "c", lines: [team], amount: 0.1, now: resetAt + 59_001 })).ok).toBe(true);
    });

    it("a request whose clock is behind the turn of the window never takes the line back to the window that ended", async () => {
      // Two instances around a window's end: one's clock a few ms ahead of the other's (or a
      // command delayed by a reconnect, or a `now` read before an await). Going back would wipe
      // the new window's holds and spend and re-seed the old window's: refused requests admitted.
      const l = await ledger();
      const resetAt = T0 + 30_000; // the current 30 s window ends here
      const team = line({ maxBudget: 1, seedSpend: 0.9, duration: budgetDuration("30s"), resetAt });
      const early = await l.reserve({ id: "early", lines: [team], amount: 0.05, now: resetAt - 20 });
      if (!early.ok) throw new Error("expected a hold in the old window (0.9 of 1 spent)");
      // The instance past the turn starts the next window from zero and holds all of it.
      expect((await l.reserve({ id: "b", lines: [team], amount: 1, now: resetAt + 5 })).ok).toBe(true);
      // The one behind still computes the window that ended (seeded 0.9, nothing held there):
      // admitted if it went back; the line's window is held in full, so refused.
      expect((await l.reserve({ id: "a", lines: [team], amount: 0.1, now: resetAt - 5 })).ok).toBe(
        false,
      );
      // It settles its earlier request in the line's window too, b's hold untouched.
      await l.settle(early.reservation, 0.05, resetAt - 3);
      const state = await l.read(team, resetAt + 10);
      expect(state.spend).toBeCloseTo(0.05, 12);
      expect(state.reserved).toBeCloseTo(1, 12);
      // A read from behind sees the same line, not the old window.
      const behind = await l.read(team, resetAt - 1);
      expect(behind.spend).toBeCloseTo(0.05, 12);
      expect(behind.reserved).toBeCloseTo(1, 12);
    });

    it("clocks minutes apart still count in the window the one ahead opened", async () => {
      const l = await ledger();
      const resetAt = T0 + 60_000;
      const team = line({ maxBudget: 1, duration: budgetDuration("1m"), resetAt });
      // Three minutes ahead: its window is the one after next of the instance behind.
      const ahead = resetAt + 3 * 60_000 + 500;
      const full = await l.reserve({ id: "ahead", lines: [team], amount: 1, now: ahead });
      if (!full.ok) throw new Error("expected a hold");
      expect((await l.reserve({ id: "behind", lines: [team], amount: 0.1, now: T0 + 30_000 })).ok).toBe(false);
    });

    it("a window opened by a clock far ahead (a day) does not hold the line for that long", async () => {
      // An instance whose clock is a day ahead (a bad RTC, a wrong time zone) opens tomorrow's
      // window today. Kept as "later", every other instance would count in it until their
      // clocks got there: a daily budget spent today refused until tomorrow's end, a monthly one
      // for a month. Beyond a few minutes the line is the asker's window again.
      const l = await ledger();
      const resetAt = T0 + 14 * 3_600_000; // midnight: the "1d" window ends there
      const team = line({ maxBudget: 1, duration: budgetDuration("1d"), resetAt });
      const ahead = T0 + 86_400_000;
      const wrong = await l.reserve({ id: "wrong", lines: [team], amount: 0, now: ahead });
      if (!wrong.ok) throw new Error("expected a hold");
      await l.settle(wrong.reservation, 1, ahead);
      expect((await l.reserve({ id: "a", lines: [team], amount: 0.1, now: T0 })).ok).toBe(true);
      expect(await l.read(team, T0 + 1)).toEqual({ spend: 0, reserved: 0.1 });
    });

    it("a shortened budget duration still starts its shorter window at once", async () => {
      // The guard above must not hold a line in a long window that a config change replaced:
      // the old window (30 days) began before the new one (1 hour) ends, so it is not "later".
      const l = await ledger();
      const long = line({ maxBudget: 1, seedSpend: 0.95, duration: budgetDuration("30d"), resetAt: T0 + 20 * 86_400_000 });
      expect((await l.reserve({ id: "a", lines: [long], amount: 0.1, now: T0 })).ok).toBe(true);
      const short = { ...long, seedSpend: 0, duration: budgetDuration("1h"), resetAt: T0 + 3_600_000 };
      expect((await l.reserve({ id: "b", lines: [short], amount: 0.1, now: T0 + 1000 })).ok).toBe(true);
      const state = await l.read(short, T0 + 2000);
      expect(state.spend).toBe(0);
      // a is still in flight: it settles in the new window, so its hold is there too.
      expect(state.reserved).toBeCloseTo(0.2, 12);
    });

    it("a request admitted before a budget_duration change settles into the new window, which keeps its spend", async () => {
      // Its reservation carries the lines it was admitted with (no duration): settled onto the
      // new window's line, it must not take the line back to the old window.
      const l = await ledger();
      const before = line({ maxBudget: 1 });
      const running = await l.reserve({ id: "running", lines: [before], amount: 0.3, now: T0 });
      if (!running.ok) throw new Error("expected a hold");
      const after = { ...before, duration: budgetDuration("30s"), resetAt: T0 + 30_000 };
      const b = await l.reserve({ id: "b", lines: [after], amount: 0.1, now: T0 + 1 });
      if (!b.ok) throw new Error("expected a hold");
      await l.settle(b.reservation, 0.1, T0 + 2);
      await l.settle(running.reservation, 0.3, T0 + 3);
      const state = await l.read(after, T0 + 4);
      expect(state.spend).toBeCloseTo(0.4, 12);
      expect(state.reserved).toBe(0);
    });

    it("expires holds of requests that never settle", async () => {
      const l = await ledger({ holdTtlMs: 60_000 });
      const team = line({ maxBudget: 1 });
      expect((await l.reserve({ id: "a", lines: [team], amount: 1, now: T0 })).ok).toBe(true);
      expect((await l.reserve({ id: "b", lines: [team], amount: 0.1, now: T0 + 1000 })).ok).toBe(false);
      expect((await l.reserve({ id: "c", lines: [team], amount: 0.1, now: T0 + 60_001 })).ok).toBe(true);
      expect((await l.read(team, T0 + 60_001)).reserved).toBeCloseTo(0.1, 12);
    });

    it("forgets a line so it is seeded again", async () => {
      const l = await ledger();
      const team = line({ maxBudget: 1 });
      const a = await l.reserve({ id: "a", lines: [team], amount: 0, now: T0 });
      if (!a.ok) throw new Error("expected a hold");
      await l.settle(a.reservation, 0.9, T0);
      await l.forget([team.id]);
      expect(await l.read({ ...team, seedSpend: 0.1 }, T0)).toEqual({ spend: 0.1, reserved: 0 });
    });

    it("an admin's spend replaces the line's in its window; holds stay, stale seeds are not used", async () => {
      const l = await ledger();
      const team = line({ maxBudget: 1, seedSpend: 0.99 });
      const running = await l.reserve({ id: "running", lines: [team], amount: 0.005, now: T0 });
      if (!running.ok) throw new Error("expected a hold");
      await l.setSpend([{ lineId: team.id, spend: 0 }]);
      expect(await l.read(team, T0)).toEqual({ spend: 0, reserved: 0.005 });
      // The request in flight (admitted when the line's seed was 0.99) settles onto 0.
      await l.settle(running.reservation, 0.02, T0 + 1);
      expect(await l.read(team, T0 + 2)).toEqual({ spend: 0.02, reserved: 0 });
      // A line the ledger does not have starts from the database's figure, which has it.
      const fresh = line({ maxBudget: 1, seedSpend: 0.3 });
      await l.setSpend([{ lineId: fresh.id, spend: 0.7 }]);
      expect(await l.read(fresh, T0)).toEqual({ spend: 0.3, reserved: 0 });
    });

    it("keeps full precision for tiny costs", async () => {
      const l = await ledger();
      const team = line({ maxBudget: 1 });
      for (let i = 0; i < 10; i++) {
        const r = await l.reserve({ id: `r${i}`, lines: [team], amount: 1.5e-7, now: T0 });
        if (!r.ok) throw new Error("expected a hold");
        await l.settle(r.reservation, 1.234567e-7, T0);
      }
      expect((await l.read(team, T0)).spend).toBeCloseTo(1.234567e-6, 15);
    });
  });
}
