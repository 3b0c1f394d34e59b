"""The Lua twin of every strategy's Python ``step``: same arithmetic, run atomically inside Redis.

Calling convention: ``KEYS[1]`` is the key; ``ARGV`` is ``now`` (``''`` = use the server's
``TIME``), ``cost``, ``consume`` (``'1'``/``'0'``), the strategy's parameters, then a request id
that is unique across processes (the sliding log uses it to make sorted-set members distinct).
Each script answers ``{allowed, remaining, retry_after, reset_after}``; the two durations are
strings because Redis truncates Lua numbers to integers. Only an admitted request writes, and
every write sets an expiry (when the state is back to fresh, plus one second of slack, because
Redis counts expiry in its own real time while ``now`` may come from another clock), so idle
keys disappear by themselves.
"""

from __future__ import annotations

__all__ = ["SCRIPTS"]

_PROLOGUE = """
local now
if ARGV[1] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
else
  now = tonumber(ARGV[1])
end
local cost = tonumber(ARGV[2])
local consume = ARGV[3] == '1'
local EPS = 1e-9
local function f(x) return string.format('%.17g', x) end
local function px(s) return math.ceil(s * 1000) + 1000 end  -- one second of slack: expiry is real time
"""

_FIXED_WINDOW = """
local limit, window = tonumber(ARGV[4]), tonumber(ARGV[5])
local index = math.floor(now / window)
local count = 0
local raw = redis.call('GET', KEYS[1])
if raw then
  local i, c = string.match(raw, '^(%S+) (%S+)$')
  if tonumber(i) == index then count = tonumber(c) end
end
local reset = (index + 1) * window - now
local shown = f(reset)
if count + cost > limit then return {0, limit - count, shown, shown} end
if not consume then return {1, limit - count, '0', shown} end
count = count + cost
redis.call('SET', KEYS[1], f(index) .. ' ' .. count, 'PX', px(reset))
return {1, limit - count, '0', shown}
"""

# One sorted-set member per admitted unit: score = time, member = request id (never the time alone).
_SLIDING_LOG = """
local limit, window, rid = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
-- Trim, then count: ZREMRANGEBYSCORE stops at the first live entry and ZCARD is O(1), whereas
-- ZCOUNT would parse every score of a small (listpack) set on every call.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', f(now - window + EPS))
local count = redis.call('ZCARD', KEYS[1])
if count + cost > limit then
  local k = count + cost - limit - 1  -- the entry that must leave first; then the newest
  local first = redis.call('ZRANGE', KEYS[1], k, k, 'WITHSCORES')
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  return {0, limit - count, f(tonumber(first[2]) + window - now), f(tonumber(newest[2]) + window - now)}
end
if not consume then
  local reset = 0
  if count > 0 then
    local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
    reset = tonumber(newest[2]) + window - now
  end
  return {1, limit - count, '0', f(reset)}
end
local members = {}
for i = 1, cost do
  members[#members + 1] = f(now)
  members[#members + 1] = rid .. ':' .. i
end
redis.call('ZADD', KEYS[1], unpack(members))
redis.call('PEXPIRE', KEYS[1], px(window))
return {1, limit - count - cost, '0', f(window)}
"""

_SLIDING_WINDOW_COUNTER = """
local limit, window = tonumber(ARGV[4]), tonumber(ARGV[5])
local index = math.floor(now / window)
local prev, curr = 0, 0
local raw = redis.call('GET', KEYS[1])
if raw then
  local i, p, c = string.match(raw, '^(%S+) (%S+) (%S+)$')
  i = tonumber(i)
  if i == index then prev, curr = tonumber(p), tonumber(c)
  elseif i == index - 1 then prev = tonumber(c) end
end
local start = index * window
local used = prev * (1 - (now - start) / window) + curr
if used + cost > limit + EPS then
  local retry
  if curr + cost <= limit then
    retry = start + window * (1 - (limit - cost - curr) / prev) - now
  else
    retry = start + window + window * math.max(0, 1 - (limit - cost) / curr) - now
  end
  local reset = start + window - now
  if curr > 0 then reset = start + 2 * window - now end
  return {0, math.max(0, math.floor(limit - used + EPS)), f(math.max(0, retry)), f(reset)}
end
if not consume then
  local reset = 0
  if curr > 0 then reset = start + 2 * window - now elseif prev > 0 then reset = start + window - now end
  return {1, math.max(0, math.floor(limit - used + EPS)), '0', f(reset)}
end
curr = curr + cost
local reset = start + 2 * window - now
redis.call('SET', KEYS[1], f(index) .. ' ' .. prev .. ' ' .. curr, 'PX', px(reset))
return {1, math.max(0, math.floor(limit - (used + cost) + EPS)), '0', f(reset)}
"""

_TOKEN_BUCKET = """
local capacity, rate = tonumber(ARGV[4]), tonumber(ARGV[5])
local tokens, last = capacity, now
local raw = redis.call('GET', KEYS[1])
if raw then
  local t, l = string.match(raw, '^(%S+) (%S+)$')
  tokens, last = tonumber(t), tonumber(l)
  tokens = math.min(capacity, tokens + math.max(0, now - last) * rate)
  last = now
end
if tokens + EPS < cost then
  return {0, math.floor(tokens + EPS), f((cost - tokens) / rate), f((capacity - tokens) / rate)}
end
if not consume then return {1, math.floor(tokens + EPS), '0', f((capacity - tokens) / rate)} end
tokens = math.max(0, tokens - cost)
local full = (capacity - tokens) / rate
redis.call('SET', KEYS[1], f(tokens) .. ' ' .. f(last), 'PX', px(full))
return {1, math.floor(tokens + EPS), '0', f(full)}
"""

_LEAKY_BUCKET = """
local capacity, rate = tonumber(ARGV[4]), tonumber(ARGV[5])
local level, last = 0, now
local raw = redis.call('GET', KEYS[1])
if raw then
  local l, t = string.match(raw, '^(%S+) (%S+)$')
  level, last = tonumber(l), tonumber(t)
  level = math.max(0, level - math.max(0, now - last) * rate)
  last = now
end
if level + cost > capacity + EPS then
  return {0, math.max(0, math.floor(capacity - level + EPS)), f((level + cost - capacity) / rate), f(level / rate)}
end
if not consume then return {1, math.floor(capacity - level + EPS), '0', f(level / rate)} end
level = level + cost
redis.call('SET', KEYS[1], f(level) .. ' ' .. f(last), 'PX', px(level / rate))
return {1, math.max(0, math.floor(capacity - level + EPS)), '0', f(level / rate)}
"""

SCRIPTS: dict[str, str] = {
    "fixed_window": _PROLOGUE + _FIXED_WINDOW,
    "sliding_log": _PROLOGUE + _SLIDING_LOG,
    "sliding_window_counter": _PROLOGUE + _SLIDING_WINDOW_COUNTER,
    "token_bucket": _PROLOGUE + _TOKEN_BUCKET,
    "leaky_bucket": _PROLOGUE + _LEAKY_BUCKET,
}
