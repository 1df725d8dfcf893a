import type { Redis } from "ioredis";
import type {
  BudgetLedger,
  Reservation,
  ReserveInput,
  ReserveResult,
  SettledLine,
} from "../budgets/budget-ledger.ts";
import { LEDGER_PRELUDE, RESERVE_LUA, SETTLE_LUA } from "../budgets/redis-budget-ledger-scripts.ts";
import { RATE_ACQUIRE_LUA, RATE_RELEASE_LUA } from "../limits/redis-rate-limiter.ts";
import type {
  RateAcquireInput,
  RateAcquireResult,
  RateLease,
  RateLimiter,
} from "../limits/rate-limiter.ts";
import { redisScriptPartsOf, type ScriptCall } from "../util/redis-script-parts.ts";

/**
 * A request's rate limits and budget holds in one Redis script, and its settling in another,
 * when the limiter and the ledger are both on Redis through the same client: one round trip
 * each instead of two, and the admission is atomic. The limiter's and the ledger's own scripts
 * run unchanged inside (each wrapped as a Lua function taking its own KEYS and ARGV), so the
 * rules stay in one place.
 */
export interface CombinedAdmission {
  /**
   * The limiter's acquire, then, only if it admitted, the ledger's reserve: a request the
   * limiter refuses never holds budget, not even for a moment (its team-mates see no phantom
   * hold). `reserved` is undefined when the limiter refused.
   */
  admit(
    acquire: RateAcquireInput,
    reserve: ReserveInput,
  ): Promise<{
    acquired: RateAcquireResult;
    reserved: ReserveResult | undefined;
    /** The ledger's script failed after the limits admitted (the lease is to be rolled back). */
    fault?: string;
  }>;
  /** The ledger's settle and the limiter's release of one request. */
  settle(
    reservation: Reservation,
    cost: number,
    lease: RateLease,
    release: { tokens: number; now: number },
  ): Promise<SettledLine[]>;
}

/** Splits KEYS and ARGV between two scripts: ARGV[1] and ARGV[2] are the first one's counts. */
const SPLIT = `
local nk1, na1 = tonumber(ARGV[1]), tonumber(ARGV[2])
local k1, a1, k2, a2 = {}, {}, {}, {}
for i = 1, #KEYS do
  if i <= nk1 then k1[#k1 + 1] = KEYS[i] else k2[#k2 + 1] = KEYS[i] end
end
for i = 3, #ARGV do
  if i <= 2 + na1 then a1[#a1 + 1] = ARGV[i] else a2[#a2 + 1] = ARGV[i] end
end
`;

/** A whole script as a local function: its `return`s return from it, KEYS and ARGV are its own. */
const asFunction = (name: string, script: string) =>
  `local function ${name}(KEYS, ARGV)\n${script}\nend\n`;

const ADMIT_LUA = `${LEDGER_PRELUDE}
${asFunction("rate_acquire", RATE_ACQUIRE_LUA)}
${asFunction("budget_reserve", RESERVE_LUA)}
${SPLIT}
local limited = rate_acquire(k1, a1)
if tonumber(limited[1]) ~= 0 then return {limited} end
-- A script's writes stay when it fails: an error here would keep the counts and the parallel
-- slot the acquire just took behind an error reply, with no lease for anyone to give back.
-- So a failing reserve is an answer (its error), and the caller rolls the lease back.
local ok, held = pcall(budget_reserve, k2, a2)
if not ok then return {limited, {}, type(held) == 'table' and held.err or tostring(held)} end
return {limited, held}
`;

const SETTLE_LUA_COMBINED = `${LEDGER_PRELUDE}
${asFunction("budget_settle", SETTLE_LUA)}
${asFunction("rate_release", RATE_RELEASE_LUA)}
${SPLIT}
-- The release runs even when the settle fails (as one after the other): a script's writes stay
-- when it fails, and an error before the release would hold the parallel slot until its TTL.
local ok, settled = pcall(budget_settle, k1, a1)
rate_release(k2, a2)
if not ok then error(type(settled) == 'table' and settled.err or settled) end
return settled
`;

type CombinedRedis = Redis & {
  budgetAdmit(
    ...args: (string | number)[]
  ): Promise<[(string | number)[], (string | number)[]?, string?]>;
  budgetSettleRelease(...args: (string | number)[]): Promise<string[]>;
};

const argsOf = (first: ScriptCall, second: ScriptCall): (string | number)[] => [
  first.keys.length + second.keys.length,
  ...first.keys,
  ...second.keys,
  first.keys.length,
  first.args.length,
  ...first.args,
  ...second.args,
];

/**
 * The combined scripts for this limiter and ledger, or undefined unless both are the Redis
 * ones on one client (the memory stores are synchronous already; two clients have no common
 * script to run).
 */
export function combinedRedisAdmission(
  limiter: RateLimiter,
  ledger: BudgetLedger,
): CombinedAdmission | undefined {
  const limits = redisScriptPartsOf(limiter);
  const budgets = redisScriptPartsOf(ledger);
  const rate = limits?.limiter;
  const holds = budgets?.ledger;
  if (rate === undefined || holds === undefined || limits!.redis !== budgets!.redis) {
    return undefined;
  }
  const redis = limits!.redis as CombinedRedis;
  if (typeof redis.budgetAdmit !== "function") {
    redis.defineCommand("budgetAdmit", { lua: ADMIT_LUA });
    redis.defineCommand("budgetSettleRelease", { lua: SETTLE_LUA_COMBINED });
  }
  return {
    async admit(acquire, reserve) {
      const [limited, held, fault] = await redis.budgetAdmit(
        ...argsOf(rate.acquire(acquire), holds.reserve(reserve)),
      );
      const acquired = rate.acquired(acquire, limited);
      if (fault !== undefined) return { acquired, reserved: undefined, fault };
      return {
        acquired,
        reserved: acquired.ok && held !== undefined ? holds.reserved(reserve, held) : undefined,
      };
    },

    async settle(reservation, cost, lease, { tokens, now }) {
      const reply = await redis.budgetSettleRelease(
        ...argsOf(holds.settle(reservation, cost, now), rate.release(lease, { tokens })),
      );
      return holds.settled(reservation, reply);
    },
  };
}
