import type { Redis } from "ioredis";
import type { BudgetLedgerCalls } from "../budgets/redis-budget-ledger.ts";
import type { RateLimiterCalls } from "../limits/redis-rate-limiter.ts";
import type { SpendJournalCalls } from "../spend/redis-spend-journal.ts";

/** One script invocation: its KEYS and ARGV. */
export interface ScriptCall {
  keys: string[];
  args: (string | number)[];
}

/**
 * Where a Redis-backed limiter, ledger or spend journal keeps what another module needs to run its scripts
 * inside a combined one (redis-combined-admission.ts): its client and its call builders. A
 * symbol, so it stays off the public shape of `RateLimiter`, `BudgetLedger` and `SpendJournal`.
 */
export const REDIS_SCRIPT_PARTS = Symbol("redis script parts");

export interface RedisScriptParts {
  readonly redis: Redis;
  readonly limiter?: RateLimiterCalls;
  readonly ledger?: BudgetLedgerCalls;
  readonly journal?: SpendJournalCalls;
}

export function redisScriptPartsOf(store: object): RedisScriptParts | undefined {
  return (store as { [REDIS_SCRIPT_PARTS]?: RedisScriptParts })[REDIS_SCRIPT_PARTS];
}
