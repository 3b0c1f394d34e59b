"""The Lua twin of every strategy's Python ``step``: same arithmetic, run atomically inside Redis.

Calling convention: ``KEYS[1]`` is the key; ``ARGV`` is ``now`` (``''`` = use the server's
``TIME``), ``cost``, ``consume`` (``'1'``/``'0'``), then the strategy's parameters.
Each script answers one string, ``"allowed remaining retry_after reset_after"`` (the durations as
``%.17g``, so they round-trip exactly; a Lua number would reach the client truncated to an integer,
and one string costs the server less than a four-element array). Only an admitted request writes, and
every write sets an expiry (when the state is back to fresh, plus one second of slack, because
Redis counts expiry in its own real time while ``now`` may come from another clock), so idle
keys disappear by themselves.
"""

from __future__ import annotations

__all__ = ["SCRIPTS", "LOG_FIELD", "read_log"]

#: Bytes per entry of a sliding log stored in Redis (see ``_SLIDING_LOG``).
LOG_FIELD = 24


def read_log(raw: bytes | str | None) -> list[float]:
    """The admission times a sliding-log value holds (the string the script GETs), oldest first."""
    if raw is None:
        return []
    text = raw.decode() if isinstance(raw, bytes) else raw
    return [float(text[i:i + LOG_FIELD]) for i in range(0, len(text), LOG_FIELD)]


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
local function reply(allowed, remaining, retry_after, reset_after)  -- one string: one format, no table
  return string.format('%d %d %.17g %.17g', allowed, remaining, retry_after, reset_after)
end
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
if count + cost > limit then return reply(0, limit - count, reset, reset) end
if not consume then return reply(1, limit - count, 0, reset) end
count = count + cost
redis.call('SET', KEYS[1], f(index) .. ' ' .. count, 'PX', px(reset))
return reply(1, limit - count, 0, reset)
"""

# The log is one string value: the admitted units' times, oldest first, each a fixed-width
# 24-byte field ('%24.17g': exact, since 17 significant digits round-trip a double). GET reads it,
# a binary search finds the first live entry, and only an admission writes (SET ... PX): two
# redis.call per admission, one per refusal or peek. A sorted set would need four
# (ZREMRANGEBYSCORE, ZCARD, ZADD, PEXPIRE). At most `limit` fields are ever stored: O(limit).
_SLIDING_LOG = """
local limit, window = tonumber(ARGV[4]), tonumber(ARGV[5])
local W = 24
local log = redis.pcall('GET', KEYS[1])  -- a sorted set left by an older version reads as empty
if type(log) ~= 'string' then log = '' end
local n = #log / W
local function at(i) return tonumber(string.sub(log, i * W - W + 1, i * W)) end  -- i-th entry, 1-based
local function after(t, lo)  -- the first index >= lo whose entry is > t (n + 1 if none)
  local hi = n + 1
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if at(mid) <= t then lo = mid + 1 else hi = mid end
  end
  return lo
end
local edge, live = now - window + EPS, 1  -- entries live..n are still in the window
if n > 0 and at(1) <= edge then live = after(edge, 2) end  -- (search only when the oldest has left)
local count = n - live + 1
if count + cost > limit then  -- wait for the entry that must leave first; reset when the newest has
  return reply(0, limit - count, at(live + count + cost - limit - 1) + window - now, at(n) + window - now)
end
if not consume then
  local reset = 0
  if count > 0 then reset = at(n) + window - now end
  return reply(1, limit - count, 0, reset)
end
local entries = string.rep(string.format('%24.17g', now), cost)
local cut = n + 1  -- times arrive in order, so the new entries go last, unless a clock went back
if count > 0 and at(n) > now then cut = after(now, live) end
log = string.sub(log, live * W - W + 1, cut * W - W) .. entries .. string.sub(log, cut * W - W + 1)
redis.call('SET', KEYS[1], log, 'PX', px(window))
return reply(1, limit - count - cost, 0, window)
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
  return reply(0, math.max(0, math.floor(limit - used + EPS)), math.max(0, retry), reset)
end
if not consume then
  local reset = 0
  if curr > 0 then reset = start + 2 * window - now elseif prev > 0 then reset = start + window - now end
  return reply(1, math.max(0, math.floor(limit - used + EPS)), 0, reset)
end
curr = curr + cost
local reset = start + 2 * window - now
redis.call('SET', KEYS[1], f(index) .. ' ' .. prev .. ' ' .. curr, 'PX', px(reset))
return reply(1, math.max(0, math.floor(limit - (used + cost) + EPS)), 0, reset)
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
  return reply(0, math.floor(tokens + EPS), (cost - tokens) / rate, (capacity - tokens) / rate)
end
if not consume then return reply(1, math.floor(tokens + EPS), 0, (capacity - tokens) / rate) end
tokens = math.max(0, tokens - cost)
local full = (capacity - tokens) / rate
redis.call('SET', KEYS[1], f(tokens) .. ' ' .. f(last), 'PX', px(full))
return reply(1, math.floor(tokens + EPS), 0, full)
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
  return reply(0, math.max(0, math.floor(capacity - level + EPS)), (level + cost - capacity) / rate, level / rate)
end
if not consume then return reply(1, math.floor(capacity - level + EPS), 0, level / rate) end
level = level + cost
redis.call('SET', KEYS[1], f(level) .. ' ' .. f(last), 'PX', px(level / rate))
return reply(1, math.max(0, math.floor(capacity - level + EPS)), 0, level / rate)
"""

SCRIPTS: dict[str, str] = {
    "fixed_window": _PROLOGUE + _FIXED_WINDOW,
    "sliding_log": _PROLOGUE + _SLIDING_LOG,
    "sliding_window_counter": _PROLOGUE + _SLIDING_WINDOW_COUNTER,
    "token_bucket": _PROLOGUE + _TOKEN_BUCKET,
    "leaky_bucket": _PROLOGUE + _LEAKY_BUCKET,
}
