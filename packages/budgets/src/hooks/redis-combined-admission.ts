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
import type { SpendJournal } from "../spend/spend-journal.ts";
import type { SpendRecord } from "../spend/spend-record.ts";
import { redisScriptPartsOf, type ScriptCall } from "../util/redis-script-parts.ts";

/**
 * A request's rate limits and budget holds in one Redis script, and its settling (with the
 * append of its spend record when the journal shares the client too) in another, when the
 * limiter and the ledger are both on Redis through the same client: one round trip each instead
 * of two (three at the end), and the admission is atomic. The limiter's and the ledger's own scripts
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
  /**
   * True when the spend journal is on the same client too: `settle` then also appends the
   * request's spend record, in the same round trip.
   */
  readonly appendsRecords: boolean;
  /**
   * The ledger's settle and the limiter's release of one request, and the append of its spend
   * record when one is given (only if `appendsRecords`). It resolves with what each part did:
   * `appended` false means the record is not in the journal (the caller appends it apart);
   * `fault` is the settle's or the release's error (the other parts ran all the same).
   */
  settle(
    reservation: Reservation,
    cost: number,
    lease: RateLease,
    release: { tokens: number; now: number },
    record?: SpendRecord,
  ): Promise<{ lines: SettledLine[]; appended: boolean; fault?: string }>;
}

/**
 * Splits KEYS and ARGV between the scripts run inside one: ARGV[1] is how many there are (n),
 * ARGV[2 .. 2n+1] each one's count of keys and of arguments, then all their arguments in order.
 * `parts[i]` is the i-th script's {KEYS, ARGV}.
 */
const SPLIT = `
local n = tonumber(ARGV[1])
local parts = {}
local nextKey, nextArg = 1, 2 + 2 * n
for p = 1, n do
  local nk, na = tonumber(ARGV[2 * p]), tonumber(ARGV[2 * p + 1])
  local k, a = {}, {}
  for i = 1, nk do k[i] = KEYS[nextKey]; nextKey = nextKey + 1 end
  for i = 1, na do a[i] = ARGV[nextArg]; nextArg = nextArg + 1 end
  parts[p] = {k, a}
end
`;

/** A whole script as a local function: its `return`s return from it, KEYS and ARGV are its own. */
const asFunction = (name: string, script: string) =>
  `local function ${name}(KEYS, ARGV)\n${script}\nend\n`;

const ADMIT_LUA = `${LEDGER_PRELUDE}
${asFunction("rate_acquire", RATE_ACQUIRE_LUA)}
${asFunction("budget_reserve", RESERVE_LUA)}
${SPLIT}
local limited = rate_acquire(parts[1][1], parts[1][2])
if tonumber(limited[1]) ~= 0 then return {limited} end
-- A script's writes stay when it fails: an error here would keep the counts and the parallel
-- slot the acquire just took behind an error reply, with no lease for anyone to give back.
-- So a failing reserve is an answer (its error), and the caller rolls the lease back.
local ok, held = pcall(budget_reserve, parts[2][1], parts[2][2])
if not ok then return {limited, {}, type(held) == 'table' and held.err or tostring(held)} end
return {limited, held}
`;

const SETTLE_LUA_COMBINED = `${LEDGER_PRELUDE}
${asFunction("budget_settle", SETTLE_LUA)}
${asFunction("rate_release", RATE_RELEASE_LUA)}
${SPLIT}
-- A re-sent script (ioredis re-sends a command whose reply a reconnect lost) finds the request
-- settled already: its first line holds the settle's 'done <id>' marker, which the first run
-- set on every line together with the append and the release. Running again would append the
-- record a second time and count the tokens twice against tpm (the release is not idempotent):
-- only the answer is given again, with the stream id the first run left in the marker ('1' when
-- it appended nothing, and the caller then appends the record apart, as the first run's did not).
local h1, mark = parts[1][1][1], 'done ' .. tostring(parts[1][2][2])
local marked, earlier = false, false
if h1 ~= nil then marked, earlier = pcall(redis.call, 'HGET', h1, mark) end
if marked and earlier then
  local lines = {}
  for i = 1, #parts[1][1] / 2 do
    local s = redis.call('HGET', parts[1][1][2 * i - 1], 's') or '0'
    lines[2 * i - 1] = s
    lines[2 * i] = s
  end
  if earlier == '1' then earlier = false end
  return {lines, earlier, false}
end
-- The spend record first (a third part: the journal's stream and the record), on its own: what
-- reached the journal is what gets billed, whatever happens to the holds and counts after it.
-- A failed append answers false and the caller appends the record apart.
local appended = false
if n >= 3 then
  local added, id = pcall(redis.call, 'XADD', parts[3][1][1], '*', 'r', parts[3][2][1])
  if added then appended = id end
end
-- The release runs even when the settle fails (as one after the other): a script's writes stay
-- when it fails, and an error before the release would hold the parallel slot until its TTL.
-- Failures are answers, not errors, so that the append above is not reported as failed.
local ok, settled = pcall(budget_settle, parts[1][1], parts[1][2])
local released, releaseError = pcall(rate_release, parts[2][1], parts[2][2])
local fault = false
if not ok then fault = type(settled) == 'table' and settled.err or tostring(settled); settled = {} end
-- What a re-send of this script answers (above): the appended copy's id in the marker.
if ok and appended and h1 ~= nil then redis.call('HSET', h1, mark, appended) end
if not released and not fault then
  fault = type(releaseError) == 'table' and releaseError.err or tostring(releaseError)
end
return {settled, appended, fault}
`;

type CombinedRedis = Redis & {
  budgetAdmit(
    ...args: (string | number)[]
  ): Promise<[(string | number)[], (string | number)[]?, string?]>;
  budgetSettleRelease(
    ...args: (string | number)[]
  ): Promise<[settled: string[], appended: string | null, fault: string | null]>;
};

/** The arguments SPLIT takes apart: KEYS of all calls, then their counts, then their ARGV. */
const argsOf = (...calls: ScriptCall[]): (string | number)[] => {
  const out: (string | number)[] = [0];
  let keys = 0;
  for (const call of calls) {
    for (const key of call.keys) out.push(key);
    keys += call.keys.length;
  }
  out[0] = keys;
  out.push(calls.length);
  for (const call of calls) out.push(call.keys.length, call.args.length);
  for (const call of calls) for (const arg of call.args) out.push(arg);
  return out;
};

/**
 * The combined scripts for this limiter and ledger, or undefined unless both are the Redis
 * ones on one client (the memory stores are synchronous already; two clients have no common
 * script to run).
 */
export function combinedRedisAdmission(
  limiter: RateLimiter,
  ledger: BudgetLedger,
  journal?: SpendJournal,
): CombinedAdmission | undefined {
  const limits = redisScriptPartsOf(limiter);
  const budgets = redisScriptPartsOf(ledger);
  const spend = journal === undefined ? undefined : redisScriptPartsOf(journal);
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
  const records = spend?.redis === limits!.redis ? spend.journal : undefined;
  return {
    appendsRecords: records !== undefined,

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

    async settle(reservation, cost, lease, { tokens, now }, record) {
      const parts = [holds.settle(reservation, cost, now), rate.release(lease, { tokens })];
      // The record is the script's third part when the journal is on this client too.
      const raw = record === undefined || records === undefined ? undefined : records.raw(record);
      if (raw !== undefined) parts.push({ keys: [records!.stream], args: [raw] });
      const at = Date.now();
      const [settled, id, fault] = await redis.budgetSettleRelease(...argsOf(...parts));
      const appended = raw !== undefined && Boolean(id);
      if (appended) records!.appended(id!, raw!, at);
      if (fault) return { lines: [], appended, fault };
      return { lines: holds.settled(reservation, settled), appended };
    },
  };
}
