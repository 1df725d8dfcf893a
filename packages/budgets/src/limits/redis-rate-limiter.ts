import type { Redis } from "ioredis";
import { REDIS_SCRIPT_PARTS, type ScriptCall } from "../util/redis-script-parts.ts";
import {
  DEFAULT_SLOT_TTL_MS,
  RATE_WINDOW_MS,
  windowStart,
  type RateAcquireInput,
  type RateAcquireResult,
  type RateLease,
  type RateLimiter,
  type RateLimitType,
  type RateReleaseInput,
  type RateRemaining,
} from "./rate-limiter.ts";

export interface RedisRateLimiterOptions {
  redis: Redis;
  keyPrefix?: string;
  slotTtlMs?: number;
}

/**
 * ioredis re-sends a command whose reply a reconnect lost (`autoResendUnfulfilledCommands`), so an
 * acquire or a release can run twice. Counting is not idempotent (a re-sent acquire counted a
 * request twice against rpm and its tokens twice against tpm, and could refuse with a 429 the
 * request its first run had admitted; a re-sent release counted the tokens again), so each lease
 * has a marker key: the acquire leaves its answer there and a re-send answers it again; the release
 * turns it into `released` and a re-send changes nothing. It lives two minutes from the acquire,
 * then from the release. What it has to outlive is the wait for a re-send, not the counters (a late
 * re-sent release adds its tokens to whatever window is current): ioredis re-sends on its next
 * ready connection, milliseconds after a dropped one; with the gateway's `maxRetriesPerRequest: 2`
 * a command is given up after three failed reconnects, but one waiting on a Redis that accepts
 * connections while it loads its data waits for it. A re-send later than two minutes counts again
 * (a rolled-back one un-counts again). A request that outlives the marker is released as usual (the
 * release writes its own). Lease ids must be unique per request: a marker answers a second acquire
 * under its id at the same `now` from the first one's answer, and the first release silences the
 * later ones (the gateway uses its own request id, never the client's x-litellm-call-id;
 * budgets-shared-instances.int.test.ts). Cost, measured (old and new scripts in alternating
 * rounds): ~210 bytes of used_memory per marker (key, value, expiry), ~13 MB at 500 requests a
 * second; Redis time per acquire or release 18 -> 26 µs, no extra round trip.
 */
const LEASE_MARKER_TTL_MS = 2 * RATE_WINDOW_MS;

/**
 * KEYS: h1, p1, h2, p2, ... (window counters hash {w, q, t}; parallel slots zset by expiry), then
 * the lease's marker (a string key, see LEASE_MARKER_TTL_MS above)
 * ARGV: now, window, request id, slot expiry, tokens, slot ttl ms, then per descriptor: rpm, tpm, parallel ('' = none)
 * Returns {0, reqRemaining, reqLimit, tokRemaining, tokLimit, window} (-1 = no such limit) or
 * {index, type, limit, current, window} for the first refusing descriptor; `window` is the one
 * the request was counted in, which is later than its own when a descriptor's counters have
 * moved on already.
 *
 * Windows only move forward: an instance whose clock is a few ms behind another's (or a command
 * that waited out a reconnect) sends a request of the minute the counters have just left. Reset
 * to that minute, the counters lost the new minute's count, and the next request of the new
 * minute reset them again, losing the old one's: at every turn of the minute both were admitted
 * from zero. Such a request is counted in the newer window instead, as the memory limiter does.
 */
export const RATE_ACQUIRE_LUA = `
local now, window, id, expiry, tokens, slotTtl = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
local n = math.floor(#KEYS / 2)
local lease = KEYS[2 * n + 1]
-- A re-sent acquire (its first run's reply lost) answers what the first run answered. A re-send
-- has the very same arguments: an id used again by another request (another time or
-- descriptor) is counted as the new request it is.
local sent = ARGV[1] .. '|' .. (KEYS[1] or '') .. '|'
if lease then
  local earlier = redis.call('GET', lease)
  if earlier and string.sub(earlier, 1, #sent) == sent then
    return cjson.decode(string.sub(earlier, #sent + 1))
  end
end
local at = {}
for i = 1, n do
  at[i] = redis.call('HGET', KEYS[2 * i - 1], 'w')
  if at[i] and tonumber(at[i]) > tonumber(window) then window = at[i] end
end
for i = 1, n do
  local h, p = KEYS[2 * i - 1], KEYS[2 * i]
  local b = 6 + (i - 1) * 3
  if at[i] ~= window then
    redis.call('HSET', h, 'w', window, 'q', 0, 't', 0)
    redis.call('PEXPIRE', h, ${2 * RATE_WINDOW_MS})
  end
  local rpm, tpm, par = ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  if rpm ~= '' then
    local q = tonumber(redis.call('HGET', h, 'q'))
    if q >= tonumber(rpm) then return {i, 'requests', rpm, q, window} end
  end
  if tpm ~= '' then
    local t = tonumber(redis.call('HGET', h, 't'))
    if t >= tonumber(tpm) then return {i, 'tokens', tpm, t, window} end
  end
  if par ~= '' then
    redis.call('ZREMRANGEBYSCORE', p, '-inf', now)
    local c = redis.call('ZCARD', p)
    if c >= tonumber(par) then return {i, 'max_parallel_requests', par, c, window} end
  end
end
local rr, rl, tr, tl = -1, -1, -1, -1
for i = 1, n do
  local h, p = KEYS[2 * i - 1], KEYS[2 * i]
  local b = 6 + (i - 1) * 3
  local rpm, tpm, par = ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  local q = redis.call('HINCRBY', h, 'q', 1)
  local t = redis.call('HINCRBY', h, 't', tokens)
  if par ~= '' then
    redis.call('ZADD', p, expiry, id)
    redis.call('PEXPIRE', p, slotTtl)
  end
  if rpm ~= '' then
    local left = tonumber(rpm) - q
    if rr == -1 or left < rr then rr = math.max(left, 0); rl = tonumber(rpm) end
  end
  if tpm ~= '' then
    local left = tonumber(tpm) - t
    if tr == -1 or left < tr then tr = math.max(left, 0); tl = tonumber(tpm) end
  end
end
local out = {0, rr, rl, tr, tl, window}
if lease then redis.call('SET', lease, sent .. cjson.encode(out), 'PX', ${LEASE_MARKER_TTL_MS}) end
return out
`;

/**
 * KEYS: h1, p1, ..., then the lease's marker
 * ARGV: acquire window, request id, token delta in that window, tokens for a later window,
 * request delta, '1' to take back only an acquire that ran (its marker holds its answer)
 */
export const RATE_RELEASE_LUA = `
local window, id = tonumber(ARGV[1]), ARGV[2]
local same, later, requests = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local n = math.floor(#KEYS / 2)
local lease = KEYS[2 * n + 1]
if lease then
  local marker = redis.call('GET', lease)
  -- Released already: this is a re-sent release, whose counts must not change twice.
  if marker == 'released' then return 0 end
  if ARGV[6] == '1' then
    -- An acquire whose answer never came back: it may not have run (nothing to take back), or
    -- have run and counted in the window its answer names.
    if not marker then return 0 end
    window = tonumber(cjson.decode(string.match(marker, '([^|]*)$'))[6]) or window
  end
  redis.call('SET', lease, 'released', 'PX', ${LEASE_MARKER_TTL_MS})
end
for i = 1, n do
  local h, p = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('ZREM', p, id)
  local w = tonumber(redis.call('HGET', h, 'w'))
  if w == window then
    if requests ~= 0 then redis.call('HINCRBY', h, 'q', requests) end
    if same ~= 0 then redis.call('HINCRBY', h, 't', same) end
  elseif w ~= nil and w > window and later ~= 0 then
    redis.call('HINCRBY', h, 't', later)
  end
end
return 0
`;

type LimiterRedis = Redis & {
  rateAcquire(...args: (string | number)[]): Promise<(string | number)[]>;
  rateRelease(...args: (string | number)[]): Promise<number>;
};

/**
 * Limits shared by every instance through Redis: one Lua script checks and counts all of a
 * request's descriptors atomically, another releases them. Fixed 60-second windows aligned to
 * the clock minute (a client can reach up to twice the limit across a window boundary, as with
 * LiteLLM's own window); counters expire two windows after their start.
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const prefix = options.keyPrefix ?? "llmgw:budgets:";
  const slotTtlMs = options.slotTtlMs ?? DEFAULT_SLOT_TTL_MS;
  const redis = options.redis as LimiterRedis;
  if (typeof redis.rateAcquire !== "function") {
    redis.defineCommand("rateAcquire", { lua: RATE_ACQUIRE_LUA });
    redis.defineCommand("rateRelease", { lua: RATE_RELEASE_LUA });
  }
  const parts = rateLimiterCalls(prefix, slotTtlMs);

  const limiter: RateLimiter = {
    async acquire(input): Promise<RateAcquireResult> {
      if (input.descriptors.length === 0) {
        const { id, descriptors, tokens, now } = input;
        return {
          ok: true,
          lease: { id, descriptors, window: windowStart(now), tokens },
          remaining: {},
        };
      }
      const { keys, args } = parts.acquire(input);
      return parts.acquired(input, await redis.rateAcquire(keys.length, ...keys, ...args));
    },

    async release(lease, options) {
      if (lease.descriptors.length === 0) return;
      const { keys, args } = parts.release(lease, options);
      await redis.rateRelease(keys.length, ...keys, ...args);
    },

    async close() {},
  };
  // Lets the budget hooks run this limiter's scripts and the ledger's in one round trip.
  return Object.assign(limiter, { [REDIS_SCRIPT_PARTS]: { redis, limiter: parts } });
}

export type RateLimiterCalls = ReturnType<typeof rateLimiterCalls>;

/** The scripts' keys and arguments, and what their replies mean (shared with redis-combined-admission.ts). */
export function rateLimiterCalls(prefix: string, slotTtlMs: number) {
  return {
    acquire({ id, descriptors, tokens, now }: RateAcquireInput): ScriptCall {
      const keys: string[] = [];
      const args: (string | number)[] = [
        now,
        windowStart(now),
        id,
        now + slotTtlMs,
        Math.round(tokens),
        slotTtlMs,
      ];
      for (const d of descriptors) {
        keys.push(`${prefix}r:${d.id}`, `${prefix}rp:${d.id}`);
        args.push(d.rpm ?? "", d.tpm ?? "", d.maxParallel ?? "");
      }
      if (descriptors.length > 0) keys.push(`${prefix}lease:${id}`);
      return { keys, args };
    },

    acquired(
      { id, descriptors, tokens, now }: RateAcquireInput,
      result: readonly (string | number)[],
    ): RateAcquireResult {
      const index = Number(result[0]);
      if (index === 0) {
        const [, rr, rl, tr, tl, window] = result.map(Number) as [
          number,
          number,
          number,
          number,
          number,
          number,
        ];
        const remaining: RateRemaining = {
          ...(rl >= 0 ? { requests: { remaining: rr, limit: rl } } : {}),
          ...(tl >= 0 ? { tokens: { remaining: tr, limit: tl } } : {}),
        };
        return {
          ok: true,
          lease: { id, descriptors, window, tokens: Math.round(tokens) },
          remaining,
        };
      }
      const type = String(result[1]) as RateLimitType;
      const window = Number(result[4]);
      return {
        ok: false,
        descriptor: descriptors[index - 1]!,
        type,
        limit: Number(result[2]),
        current: Number(result[3]),
        retryAfterMs: type === "max_parallel_requests" ? 1000 : window + RATE_WINDOW_MS - now,
      };
    },

    release(
      lease: RateLease,
      { tokens, rollback, onlyIfAcquired }: Omit<RateReleaseInput, "now">,
    ): ScriptCall {
      const keys: string[] = [];
      for (const d of lease.descriptors) keys.push(`${prefix}r:${d.id}`, `${prefix}rp:${d.id}`);
      if (lease.descriptors.length > 0) keys.push(`${prefix}lease:${lease.id}`);
      const total = Math.round(tokens);
      return {
        keys,
        args: [
          lease.window,
          lease.id,
          rollback ? -lease.tokens : total - lease.tokens,
          rollback ? 0 : total,
          rollback ? -1 : 0,
          onlyIfAcquired ? "1" : "0",
        ],
      };
    },
  };
}
