import type { Redis } from "ioredis";
import { REDIS_SCRIPT_PARTS, type ScriptCall } from "../util/redis-script-parts.ts";
import {
  DEFAULT_HOLD_TTL_MS,
  DEFAULT_IDLE_TTL_MS,
  type BudgetLedger,
  type LineState,
  type Reservation,
  type ReserveInput,
  type ReserveResult,
  type SettledLine,
} from "./budget-ledger.ts";
import { lineSeed, lineWindow, type BudgetLine } from "./budget-line.ts";
import {
  READ_SCRIPT,
  RESERVE_SCRIPT,
  SETTLE_SCRIPT,
  SET_SPEND_SCRIPT,
} from "./redis-budget-ledger-scripts.ts";

export interface RedisBudgetLedgerOptions {
  redis: Redis;
  /** Prefix of every key this ledger writes. Default "llmgw:budgets:". */
  keyPrefix?: string;
  /** Lifetime of a hold that is never settled. Default 10 minutes. */
  holdTtlMs?: number;
  /** An untouched line is dropped after this (and later re-seeded from the database). Default 1 day. */
  idleTtlMs?: number;
}

type LedgerRedis = Redis & {
  budgetReserve(...args: (string | number)[]): Promise<(number | string)[]>;
  budgetSettle(...args: (string | number)[]): Promise<string[]>;
  budgetRead(...args: (string | number)[]): Promise<string[]>;
  budgetSetSpend(...args: (string | number)[]): Promise<number>;
};

/**
 * The ledger shared by every instance through Redis. Each operation is one Lua script, so the
 * check of every line and the holds on every line happen atomically (Redis runs one script at a
 * time): two instances can never both take the last of a budget. One round trip per reserve and
 * per settle. Keys expire by themselves: a line that is not touched for `idleTtlMs` (and whose
 * window has ended) disappears, and is re-seeded from the database if it is used again.
 *
 * Not Redis Cluster aware: the keys of one request's lines may hash to different slots.
 */
export function createRedisBudgetLedger(options: RedisBudgetLedgerOptions): BudgetLedger {
  const prefix = options.keyPrefix ?? "llmgw:budgets:";
  const holdTtlMs = options.holdTtlMs ?? DEFAULT_HOLD_TTL_MS;
  const idleTtlMs = options.idleTtlMs ?? DEFAULT_IDLE_TTL_MS;
  const redis = options.redis as LedgerRedis;
  if (typeof redis.budgetReserve !== "function") {
    redis.defineCommand("budgetReserve", { lua: RESERVE_SCRIPT });
    redis.defineCommand("budgetSettle", { lua: SETTLE_SCRIPT });
    redis.defineCommand("budgetRead", { lua: READ_SCRIPT });
  }
  if (typeof redis.budgetSetSpend !== "function") {
    redis.defineCommand("budgetSetSpend", { lua: SET_SPEND_SCRIPT });
  }

  const { hashKey, holdsKey, ttlFor, ...calls } = budgetLedgerCalls(prefix, holdTtlMs, idleTtlMs);

  const ledger: BudgetLedger = {
    async reserve(input): Promise<ReserveResult> {
      const { id, lines, amount } = input;
      if (lines.length === 0) return { ok: true, reservation: { id, lines, amount }, spends: [] };
      const { keys, args } = calls.reserve(input);
      return calls.reserved(input, await redis.budgetReserve(keys.length, ...keys, ...args));
    },

    async settle(reservation, cost, now): Promise<SettledLine[]> {
      if (reservation.lines.length === 0) return [];
      const { keys, args } = calls.settle(reservation, cost, now);
      return calls.settled(reservation, await redis.budgetSettle(keys.length, ...keys, ...args));
    },

    async read(line, now): Promise<LineState> {
      const window = lineWindow(line, now);
      const [spend, reserved] = await redis.budgetRead(
        2,
        hashKey(line),
        holdsKey(line),
        now,
        window,
        num(lineSeed(line, window)),
        ttlFor(window, now),
      );
      return { spend: Number(spend), reserved: Number(reserved) };
    },

    async forget(lineIds) {
      if (lineIds.length === 0) return;
      await redis.del(...lineIds.flatMap((id) => [`${prefix}b:${id}`, `${prefix}bh:${id}`]));
    },

    async setSpend(figures) {
      await Promise.all(
        figures.map(({ lineId, spend }) =>
          redis.budgetSetSpend(1, `${prefix}b:${lineId}`, num(spend)),
        ),
      );
    },

    async close() {
      // The connection belongs to the caller.
    },
  };
  // Lets the budget hooks run this ledger's scripts and the limiter's in one round trip.
  return Object.assign(ledger, {
    [REDIS_SCRIPT_PARTS]: { redis, ledger: { hashKey, holdsKey, ttlFor, ...calls } },
  });
}

export type BudgetLedgerCalls = ReturnType<typeof budgetLedgerCalls>;

/** The scripts' keys and arguments, and what their replies mean (shared with redis-combined-admission.ts). */
export function budgetLedgerCalls(prefix: string, holdTtlMs: number, idleTtlMs: number) {
  const hashKey = (line: BudgetLine) => `${prefix}b:${line.id}`;
  const holdsKey = (line: BudgetLine) => `${prefix}bh:${line.id}`;
  // Keep a windowed line at least until its window ends: a per-model window has no database
  // spend to come back to, so dropping it early would forget what the window already spent.
  const ttlFor = (window: number, now: number) =>
    Math.ceil(window > 0 ? Math.max(idleTtlMs, window - now + 60_000) : idleTtlMs);
  return {
    hashKey,
    holdsKey,
    ttlFor,

    reserve({ id, lines, amount, now }: ReserveInput): ScriptCall {
      const keys: string[] = [];
      const args: (string | number)[] = [now, num(amount), id, now + holdTtlMs];
      for (const line of lines) {
        keys.push(hashKey(line), holdsKey(line));
        const window = lineWindow(line, now);
        args.push(
          window,
          num(lineSeed(line, window)),
          line.maxBudget === undefined ? "" : num(line.maxBudget),
          ttlFor(window, now),
        );
      }
      return { keys, args };
    },

    reserved(
      { id, lines, amount }: ReserveInput,
      result: readonly (string | number)[],
    ): ReserveResult {
      const index = Number(result[0]);
      if (index === 0) {
        const spends = lines.map((_, i) => Number(result[i + 1] ?? 0));
        return { ok: true, reservation: { id, lines, amount }, spends };
      }
      return {
        ok: false,
        line: lines[index - 1]!,
        spend: Number(result[1]),
        reserved: Number(result[2]),
      };
    },

    settle(reservation: Reservation, cost: number, now: number): ScriptCall {
      const keys: string[] = [];
      const args: (string | number)[] = [now, reservation.id, num(cost), now + SETTLED_MARK_TTL_MS];
      for (const line of reservation.lines) {
        keys.push(hashKey(line), holdsKey(line));
        const window = lineWindow(line, now);
        args.push(window, num(lineSeed(line, window)), ttlFor(window, now));
      }
      return { keys, args };
    },

    settled(reservation: Reservation, result: readonly string[]): SettledLine[] {
      return reservation.lines.map((line, i) => ({
        line,
        before: Number(result[2 * i]),
        after: Number(result[2 * i + 1]),
      }));
    },
  };
}

/**
 * How long a line remembers that a reservation was settled, so a settle re-sent after a lost
 * reply adds nothing (ioredis re-sends unanswered commands after a reconnect, within seconds).
 * One hash field and one sorted-set member per settled request and line while it lasts: at
 * 1,000 requests a second through one line, ~60,000 of them (a few MiB of Redis memory).
 */
export const SETTLED_MARK_TTL_MS = 60_000;

/** Full precision as text (JS prints the shortest round-trip form). */
function num(value: number): string {
  return String(value);
}
