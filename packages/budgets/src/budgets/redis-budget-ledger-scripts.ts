import { MAX_OPENER_LEAD_MS } from "./budget-ledger.ts";

/**
 * Lua for the Redis ledger. Per line two keys: a hash (`w` window end, `o` when it was opened, `s`
 * spend, `r` held total, `x:<reservation id>` each hold, `done <reservation id>` each settled
 * request for a while; holds and markers outlive the window they were made in) and a sorted set of
 * hold ids (and `done <id>` markers) by expiry. A marker's value is '1', or, on a request's first
 * line when the budget hooks' combined settle appended its spend record in the same script, that
 * record's stream id (redis-combined-admission.ts answers a re-sent settle with it); only the
 * field's presence counts here.
 *
 * Reserve and settle are idempotent per reservation id: the budgets client re-sends a command
 * whose reply a reconnect lost (ioredis `autoResendUnfulfilledCommands`), and a re-sent settle
 * must not charge the cost twice, nor a re-sent reserve hold twice. A reservation id is a call
 * id (visible ASCII, no spaces), so a `done ` marker can never be taken for a hold.
 *
 * Numbers are formatted with %.17g: Redis turns Lua numbers into arguments with 14 significant
 * digits otherwise, which would round spend.
 */
export const LEDGER_PRELUDE = `
local function fmt(x) return string.format('%.17g', x) end
local function open(h, z, window, seed, ttl, now, settling)
  local w = redis.call('HGET', h, 'w')
  if w ~= window then
    local replace = not w
    if w and settling then
      -- A settle's lines are those its request was admitted with: a line that moved on since
      -- (a budget_duration changed meanwhile, a window opened by a clock ahead) is where its
      -- cost goes, until that window is over. Taken back to the settle's own window, the line
      -- lost what was spent in the newer one, and the next request took it forward again from
      -- the seed, losing this cost too.
      local ends = tonumber(w)
      replace = ends > 0 and ends <= now
    elseif w then
      -- A window opened at or after the end of the one asked for comes after it: the caller's
      -- clock is behind the instance that opened it (or its command was delayed). Counted in
      -- the line's window; going back would wipe that window's holds and spend. A window opened
      -- before the asked one ends (a changed budget_duration) is replaced as usual, and so is
      -- one opened by a clock too far ahead to be trusted (MAX_OPENER_LEAD_MS, budget-ledger.ts).
      local opened = tonumber(redis.call('HGET', h, 'o'))
      local asked = tonumber(window)
      replace = not (opened and asked > 0 and opened >= asked
        and opened - now <= ${MAX_OPENER_LEAD_MS})
    end
    if replace then
      -- A new window: its spend starts from the seed. The holds of requests in flight and the
      -- settled markers stay: a request counts in the window it ends in, so its hold belongs
      -- to the new one (dropped, the new window admitted past its budget by everything in
      -- flight at the turn), and a settle re-sent after the turn must still find its marker.
      -- 'r' is their running total already; the expired ones go below, as in any window.
      redis.call('HSET', h, 'w', window, 's', seed, 'o', fmt(now))
      if not w then redis.call('HSET', h, 'r', '0') end
      redis.call('PEXPIRE', h, ttl)
    end
  end
  local expired = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  if #expired > 0 then
    local r = tonumber(redis.call('HGET', h, 'r'))
    for _, id in ipairs(expired) do
      if string.sub(id, 1, 5) == 'done ' then
        redis.call('HDEL', h, id)
      else
        local a = redis.call('HGET', h, 'x:' .. id)
        if a then
          r = r - tonumber(a)
          redis.call('HDEL', h, 'x:' .. id)
        end
      end
    end
    if r < 1e-12 then r = 0 end
    redis.call('HSET', h, 'r', fmt(r))
    redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
  end
end
`;

/**
 * KEYS: h1, z1, h2, z2, ...
 * ARGV: now, amount, reservation id, hold expiry, then per line: window, seed, max ('' = none), ttl ms
 * Returns {0, spend1, spend2, ...} (each line's spend before the hold) when held on every line,
 * else {index, spend, reserved} of the first refusing line.
 */
export const RESERVE_LUA = `
local now = tonumber(ARGV[1])
local amount = tonumber(ARGV[2])
local id = ARGV[3]
local expiry = ARGV[4]
local n = #KEYS / 2
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local b = 4 + (i - 1) * 4
  open(h, z, ARGV[b + 1], ARGV[b + 2], ARGV[b + 4], now)
  local max = ARGV[b + 3]
  -- A re-sent reserve finds its own hold in r: checked again, a request that took the line to
  -- its limit would be refused by its own hold, and be told no while the hold stays.
  if max ~= '' and redis.call('HEXISTS', h, 'x:' .. id) == 0 then
    local s = tonumber(redis.call('HGET', h, 's'))
    local r = tonumber(redis.call('HGET', h, 'r'))
    if s + r >= tonumber(max) then
      return {i, fmt(s), fmt(r)}
    end
  end
end
local out = {0}
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local ttl = ARGV[4 + (i - 1) * 4 + 4]
  out[i + 1] = redis.call('HGET', h, 's')
  -- Held already (this is a re-sent reserve) or settled already: nothing more to hold.
  if redis.call('HEXISTS', h, 'x:' .. id) == 0 and redis.call('HEXISTS', h, 'done ' .. id) == 0 then
    local r = tonumber(redis.call('HGET', h, 'r')) + amount
    redis.call('HSET', h, 'r', fmt(r), 'x:' .. id, fmt(amount))
    redis.call('ZADD', z, expiry, id)
  end
  redis.call('PEXPIRE', h, ttl)
  redis.call('PEXPIRE', z, ttl)
end
return out
`;

/**
 * KEYS: h1, z1, ...
 * ARGV: now, reservation id, cost, settled-marker expiry, then per line: window, seed, ttl ms
 * Returns {before1, after1, before2, after2, ...} (spend around the added cost; a reservation
 * settled already, by a re-sent settle, adds nothing: before = after).
 */
export const SETTLE_LUA = `
local now = tonumber(ARGV[1])
local id = ARGV[2]
local cost = tonumber(ARGV[3])
local markExpiry = ARGV[4]
local mark = 'done ' .. id
local n = #KEYS / 2
local out = {}
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local b = 4 + (i - 1) * 3
  local ttl = ARGV[b + 3]
  open(h, z, ARGV[b + 1], ARGV[b + 2], ttl, now, true)
  if redis.call('HEXISTS', h, mark) == 1 then
    local s = redis.call('HGET', h, 's')
    out[2 * i - 1] = s
    out[2 * i] = s
  else
    local a = redis.call('HGET', h, 'x:' .. id)
    if a then
      local r = tonumber(redis.call('HGET', h, 'r')) - tonumber(a)
      if r < 1e-12 then r = 0 end
      redis.call('HSET', h, 'r', fmt(r))
      redis.call('HDEL', h, 'x:' .. id)
      redis.call('ZREM', z, id)
    end
    local s = tonumber(redis.call('HGET', h, 's'))
    redis.call('HSET', h, 's', fmt(s + cost), mark, '1')
    redis.call('ZADD', z, markExpiry, mark)
    out[2 * i - 1] = fmt(s)
    out[2 * i] = fmt(s + cost)
  end
  redis.call('PEXPIRE', h, ttl)
  redis.call('PEXPIRE', z, ttl)
end
return out
`;

/**
 * KEYS: h, z
 * ARGV: now, window, seed, ttl ms
 * Returns {spend, reserved}.
 */
export const READ_SCRIPT = `${LEDGER_PRELUDE}
open(KEYS[1], KEYS[2], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[1]))
return {redis.call('HGET', KEYS[1], 's'), redis.call('HGET', KEYS[1], 'r')}
`;

export const RESERVE_SCRIPT = LEDGER_PRELUDE + RESERVE_LUA;
export const SETTLE_SCRIPT = LEDGER_PRELUDE + SETTLE_LUA;

/**
 * KEYS: h
 * ARGV: spend
 * An admin's figure for the line's current window; nothing when the ledger has no such line (it
 * starts from the database, which holds the figure).
 */
export const SET_SPEND_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], 'w') == 1 then redis.call('HSET', KEYS[1], 's', ARGV[1]) end
return 0
`;
