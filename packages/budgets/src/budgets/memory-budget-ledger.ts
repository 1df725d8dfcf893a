import { systemClock, type Clock } from "../util/clock.ts";
import {
  DEFAULT_HOLD_TTL_MS,
  DEFAULT_IDLE_TTL_MS,
  MAX_OPENER_LEAD_MS,
  type BudgetLedger,
  type LineState,
  type Reservation,
  type ReserveResult,
  type SettledLine,
} from "./budget-ledger.ts";
import { lineSeed, lineWindow, type BudgetLine } from "./budget-line.ts";

export interface MemoryBudgetLedgerOptions {
  /** Lifetime of a hold that is never settled. Default 10 minutes. */
  holdTtlMs?: number;
  /** Lines untouched this long (and holding nothing) are dropped. Default 1 day. */
  idleTtlMs?: number;
}

interface Hold {
  readonly amount: number;
  readonly expiresAt: number;
}

interface LineEntry {
  window: number;
  /** The `now` of the request that opened this window. */
  openedAt: number;
  spend: number;
  reserved: number;
  touched: number;
  /** Insertion order is expiry order (one TTL for all), so expired holds sit at the front. */
  readonly holds: Map<string, Hold>;
}

/**
 * The ledger for a single instance: plain maps, answered synchronously (no promise, no await).
 * Several instances need the Redis ledger to share budgets.
 */
export function createMemoryBudgetLedger(options: MemoryBudgetLedgerOptions = {}): BudgetLedger {
  const holdTtlMs = options.holdTtlMs ?? DEFAULT_HOLD_TTL_MS;
  const idleTtlMs = options.idleTtlMs ?? DEFAULT_IDLE_TTL_MS;
  const entries = new Map<string, LineEntry>();
  let operations = 0;

  // Every so often, forget lines nobody used for a day (end users come and go); their spend is
  // in the database by then and is the seed if they return.
  const sweep = (now: number) => {
    if (++operations % 10_000 !== 0) return;
    for (const [id, entry] of entries) {
      if (entry.holds.size === 0 && now - entry.touched > idleTtlMs) entries.delete(id);
    }
  };

  const entryFor = (line: BudgetLine, now: number, settling = false): LineEntry => {
    const window = lineWindow(line, now);
    let entry = entries.get(line.id);
    if (entry === undefined) {
      entry = {
        window,
        openedAt: now,
        spend: lineSeed(line, window),
        reserved: 0,
        touched: now,
        holds: new Map(),
      };
      entries.set(line.id, entry);
      return entry;
    }
    const replace = settling
      ? entry.window > 0 && entry.window <= now
      : !comesAfter(entry, window, now);
    if (entry.window !== window && replace) {
      // A new window starts from the seed; the holds of requests in flight stay, since they
      // settle in it. A settle only ever turns a window that is over: its lines are those its
      // request was admitted with, and a line that moved on since (a changed budget_duration)
      // is where its cost goes (as the Redis ledger's `open`).
      entry.window = window;
      entry.openedAt = now;
      entry.spend = lineSeed(line, window);
    }
    entry.touched = now;
    if (entry.holds.size > 0) releaseExpired(entry, now);
    return entry;
  };

  return {
    reserve({ id, lines, amount, now }): ReserveResult {
      sweep(now);
      const touched: LineEntry[] = [];
      for (const line of lines) {
        const entry = entryFor(line, now);
        if (line.maxBudget !== undefined && entry.spend + entry.reserved >= line.maxBudget) {
          return { ok: false, line, spend: entry.spend, reserved: entry.reserved };
        }
        touched.push(entry);
      }
      const hold = { amount, expiresAt: now + holdTtlMs };
      const spends: number[] = [];
      for (const entry of touched) {
        spends.push(entry.spend);
        entry.reserved += amount;
        entry.holds.set(id, hold);
      }
      return { ok: true, reservation: { id, lines, amount }, spends };
    },

    settle(reservation: Reservation, cost: number, now: number): SettledLine[] {
      const settled: SettledLine[] = [];
      for (const line of reservation.lines) {
        const entry = entryFor(line, now, true);
        const hold = entry.holds.get(reservation.id);
        if (hold !== undefined) {
          entry.holds.delete(reservation.id);
          entry.reserved = nonNegative(entry.reserved - hold.amount);
        }
        const before = entry.spend;
        entry.spend = before + cost;
        settled.push({ line, before, after: entry.spend });
      }
      return settled;
    },

    read(line, now): LineState {
      const entry = entryFor(line, now);
      return { spend: entry.spend, reserved: entry.reserved };
    },

    forget(lineIds) {
      for (const id of lineIds) entries.delete(id);
    },

    setSpend(figures) {
      for (const { lineId, spend } of figures) {
        const entry = entries.get(lineId);
        if (entry !== undefined) entry.spend = spend;
      }
    },

    close() {
      entries.clear();
      return Promise.resolve();
    },
  };
}

/**
 * Whether the entry's window comes after the window `window` ends (it was opened at or after
 * that end): a request whose `now` was read before the turn of the window, and reaches the
 * ledger after another opened the next one, is counted in the line's window. Going back would
 * wipe that window's holds and spend. A window opened earlier (a changed budget_duration) is
 * replaced as usual, and so is one opened by a clock too far ahead (MAX_OPENER_LEAD_MS). The
 * Redis ledger's `open` does the same.
 */
function comesAfter(entry: LineEntry, window: number, now: number): boolean {
  return window > 0 && entry.openedAt >= window && entry.openedAt - now <= MAX_OPENER_LEAD_MS;
}

function releaseExpired(entry: LineEntry, now: number): void {
  for (const [id, hold] of entry.holds) {
    if (hold.expiresAt > now) break;
    entry.holds.delete(id);
    entry.reserved = nonNegative(entry.reserved - hold.amount);
  }
}

/** Float subtraction of what was added leaves dust like 1e-18; a hold total is never negative. */
function nonNegative(value: number): number {
  return value < 1e-12 ? 0 : value;
}
