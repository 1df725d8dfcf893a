/**
 * The Redis store's two scripts. Each runs atomically, so the check-then-increment of an rpm
 * limit cannot interleave with another instance's, and each is one round trip.
 *
 * Floats must leave Lua as strings (Redis truncates Lua numbers to integers); counts and
 * millisecond timestamps are integers and may leave as numbers.
 */

/**
 * KEYS, 6 per candidate in preference order: cooldown, rpm (current minute), tpm (current
 * minute), in-flight, latency samples, ttft samples.
 * ARGV: now, tokens, withLatency (1/0), inflightTtlMs, usageTtlSeconds, then per candidate
 * rpmLimit and tpmLimit (-1 for none).
 * Returns: chosen (1-based, 0 for none), then per candidate cooldownUntil, rpm, tpm, inflight,
 * latency mean, ttft mean ('' when none or not asked for).
 */
export const ACQUIRE_SCRIPT = `
local now = tonumber(ARGV[1])
local tokens = tonumber(ARGV[2])
local withLatency = ARGV[3] == '1'
local inflightTtl = tonumber(ARGV[4])
local usageTtl = tonumber(ARGV[5])
local n = #KEYS / 6
local chosen = 0
local out = {0}

local function mean(key)
  local values = redis.call('LRANGE', key, 0, -1)
  if #values == 0 then return '' end
  local sum = 0
  for _, v in ipairs(values) do sum = sum + tonumber(v) end
  return tostring(sum / #values)
end

for i = 1, n do
  local k = (i - 1) * 6
  local cd = tonumber(redis.call('GET', KEYS[k + 1]) or '0')
  if cd <= now then cd = 0 end
  local rpm = tonumber(redis.call('GET', KEYS[k + 2]) or '0')
  local tpm = tonumber(redis.call('GET', KEYS[k + 3]) or '0')
  local inflight = tonumber(redis.call('GET', KEYS[k + 4]) or '0')
  if chosen == 0 and cd == 0 then
    local rpmLimit = tonumber(ARGV[4 + i * 2])
    local tpmLimit = tonumber(ARGV[5 + i * 2])
    local rpmOk = rpmLimit < 0 or rpm + 1 <= rpmLimit
    local tpmOk = tpmLimit < 0 or (tpm < tpmLimit and tpm + tokens <= tpmLimit)
    if rpmOk and tpmOk then
      chosen = i
      rpm = redis.call('INCR', KEYS[k + 2])
      redis.call('EXPIRE', KEYS[k + 2], usageTtl)
      inflight = redis.call('INCR', KEYS[k + 4])
      redis.call('PEXPIRE', KEYS[k + 4], inflightTtl)
    end
  end
  local latency = ''
  local ttft = ''
  if withLatency then
    latency = mean(KEYS[k + 5])
    ttft = mean(KEYS[k + 6])
  end
  local j = #out
  out[j + 1] = cd
  out[j + 2] = rpm
  out[j + 3] = tpm
  out[j + 4] = inflight
  out[j + 5] = latency
  out[j + 6] = ttft
end
out[1] = chosen
return out
`;

/**
 * KEYS: in-flight, tpm (current minute), latency samples, ttft samples, failures (current
 * minute), cooldown.
 * ARGV: now, acquired (1/0), tokens, latency sample (''), ttft sample (''), maxSamples,
 * latencyTtlSeconds, usageTtlSeconds, failure mode (none/count/immediate), allowedFails, cooldownMs,
 * cooldown channel, deployment id.
 * Returns: cooldownUntil (0 when none), inflight, tpm.
 * A cooldown it starts is published on the channel as `<until>:<id>`, so instances that pick
 * this deployment without a round trip (cooldown-mirror.ts) learn it at once. With pcall: a
 * PUBLISH Redis refuses (an ACL user without channel rights) must not fail the release, whose
 * failure count and cooldown are already written; the mirror then never goes live there.
 */
export const RELEASE_SCRIPT = `
local now = tonumber(ARGV[1])
local inflight
if ARGV[2] == '1' then
  inflight = redis.call('DECR', KEYS[1])
  if inflight <= 0 then
    redis.call('DEL', KEYS[1])
    inflight = 0
  end
else
  inflight = tonumber(redis.call('GET', KEYS[1]) or '0')
end

local tokens = tonumber(ARGV[3])
local tpm
if tokens > 0 then
  tpm = redis.call('INCRBY', KEYS[2], tokens)
  redis.call('EXPIRE', KEYS[2], ARGV[8])
else
  tpm = tonumber(redis.call('GET', KEYS[2]) or '0')
end

local maxSamples = tonumber(ARGV[6])
if ARGV[4] ~= '' then
  redis.call('LPUSH', KEYS[3], ARGV[4])
  redis.call('LTRIM', KEYS[3], 0, maxSamples - 1)
  redis.call('EXPIRE', KEYS[3], ARGV[7])
end
if ARGV[5] ~= '' then
  redis.call('LPUSH', KEYS[4], ARGV[5])
  redis.call('LTRIM', KEYS[4], 0, maxSamples - 1)
  redis.call('EXPIRE', KEYS[4], ARGV[7])
end

local cd = tonumber(redis.call('GET', KEYS[6]) or '0')
local mode = ARGV[9]
if mode ~= 'none' then
  local cool = mode == 'immediate'
  if mode == 'count' then
    local fails = redis.call('INCR', KEYS[5])
    redis.call('EXPIRE', KEYS[5], ARGV[8])
    if fails > tonumber(ARGV[10]) then
      cool = true
      redis.call('DEL', KEYS[5])
    end
  end
  if cool then
    local cooldownMs = tonumber(ARGV[11])
    local untilMs = now + cooldownMs
    if untilMs > cd then
      redis.call('SET', KEYS[6], string.format('%d', untilMs), 'PX', cooldownMs)
      redis.pcall('PUBLISH', ARGV[12], string.format('%d', untilMs) .. ':' .. ARGV[13])
      cd = untilMs
    end
  end
end
if cd <= now then cd = 0 end
return {cd, inflight, tpm}
`;
