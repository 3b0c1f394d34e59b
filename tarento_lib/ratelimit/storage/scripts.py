"""The Lua twin of every strategy's Python ``step``: same arithmetic, run atomically inside Redis.

Calling convention: ``KEYS[1]`` is the key; ``ARGV`` is ``now`` (``''`` = use the server's
``TIME``), ``cost``, ``consume`` (``'1'``/``'0'``), then the strategy's parameters.
Each script answers one string, ``"allowed remaining retry_after reset_after"`` (the durations as
``%.17g``, so they round-trip exactly; a Lua number would reach the client truncated to an integer,
and one string costs the server less than a four-element array). Counts are written with ``%d``
(Lua's ``tostring`` keeps only 14 digits). Only an admitted request writes, and every write sets
an expiry (when the state is back to fresh, plus one second of slack, because Redis counts expiry
in its own real time while ``now`` may come from another clock), so idle keys disappear by
themselves.
"""

from __future__ import annotations

__all__ = ["LOG_FIELD", "LOG_HEADER", "SCRIPTS", "read_log"]

#: The layout of a sliding log stored in Redis (see ``_SLIDING_LOG``): a header of LOG_HEADER bytes
#: (``'%12d'`` entries, ``'%24.17g'`` newest time), then one LOG_FIELD-byte time per admitted unit.
LOG_HEADER, LOG_FIELD = 36, 24


def read_log(raw: bytes | str | None) -> list[float]:
    """The admission times a sliding-log value holds (what the script reads), oldest first."""
    if not raw:
        return []
    text = raw.decode() if isinstance(raw, bytes) else raw
    count, newest = int(text[:12]), float(text[12:LOG_HEADER])
    times = [float(text[i : i + LOG_FIELD]) for i in range(LOG_HEADER, len(text), LOG_FIELD)]
    if len(times) != count or newest != max(times):
        raise ValueError("not a sliding-log value")
    return times


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
local function px(s)  -- ms, plus one second of slack (expiry is real time), at most ~31,000 years
  return string.format('%d', math.min(math.ceil(s * 1000) + 1000, 1e15))
end
local function window_index(window)  -- k with k * window <= now < (k + 1) * window, as floats
  local index = math.floor(now / window)
  if (index + 1) * window <= now then return index + 1 end
  if index * window > now then return index - 1 end
  return index
end
-- one string: one format, no table
local function reply(allowed, remaining, retry_after, reset_after)
  return string.format('%d %d %.17g %.17g', allowed, remaining, retry_after, reset_after)
end
"""

_FIXED_WINDOW = """
local limit, window = tonumber(ARGV[4]), tonumber(ARGV[5])
local index = window_index(window)
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
redis.call('SET', KEYS[1], string.format('%.17g %d', index, count), 'PX', px(reset))
return reply(1, limit - count, 0, reset)
"""

# The log is one string value: a header (how many entries, and the newest time), then the admitted
# units' times, oldest first, each in a fixed-width field ('%24.17g': exact, since 17 significant
# digits round-trip a double). The script reads only the first READ_FIRST bytes (GETRANGE): the
# header and the oldest entries decide a refusal or a peek, so a flood of refused requests costs
# the server the same small read whatever the limit. Only when that is not enough (an admission,
# or the oldest entries have left the window) does it read the rest, and only an admission writes
# (SET ... PX, which also sets the expiry). So a refusal or a peek usually calls 1 command, an
# admission 2, never more than 3 (4 server commands with the EVALSHA; one more, TIME, when the
# server's clock is used), where a sorted set needs 4
# calls per admission (ZREMRANGEBYSCORE, ZCARD, ZADD, PEXPIRE). At most `limit` entries are stored:
# O(limit) memory per key.
_SLIDING_LOG = """
local limit, window = tonumber(ARGV[4]), tonumber(ARGV[5])
-- header width, entry width, bytes read first (the header and 16 entries)
local H, W, P = 36, 24, 420
local log = redis.pcall('GETRANGE', KEYS[1], 0, P - 1)
if type(log) ~= 'string' then log = '' end  -- a sorted set left by an older version reads as empty
local n, newest = 0, 0
if log ~= '' then n, newest = tonumber(string.sub(log, 1, 12)), tonumber(string.sub(log, 13, H)) end
local function at(i)  -- the i-th entry, 1-based
  return tonumber(string.sub(log, H + i * W - W + 1, H + i * W))
end
local function rest()  -- read the entries the first read did not reach (once)
  if #log == P and H + n * W > P then log = log .. redis.call('GETRANGE', KEYS[1], P, -1) end
end
local function after(t, lo)  -- the first index >= lo whose entry is > t (n + 1 if none)
  local hi = n + 1
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if at(mid) <= t then lo = mid + 1 else hi = mid end
  end
  return lo
end
local edge, live = now - window + EPS, 1  -- entries live..n are still in the window
-- search only when the oldest has left
if n > 0 and at(1) <= edge then rest(); live = after(edge, 2) end
local count = n - live + 1
if count + cost > limit then  -- wait for the entry that must leave first; reset when the newest has
  local k = live + count + cost - limit - 1
  if H + k * W > #log then rest() end
  return reply(0, limit - count, at(k) + window - now, newest + window - now)
end
if not consume then
  local reset = 0
  if count > 0 then reset = newest + window - now end
  return reply(1, limit - count, 0, reset)
end
rest()
local cut = n + 1  -- times arrive in order, so the new entries go last, unless a clock went back
if count > 0 and newest > now then cut = after(now, live) else newest = now end
log = string.format('%12d%24.17g', count + cost, newest)
  .. string.sub(log, H + live * W - W + 1, H + cut * W - W)
  .. string.rep(string.format('%24.17g', now), cost) .. string.sub(log, H + cut * W - W + 1)
redis.call('SET', KEYS[1], log, 'PX', px(window))
return reply(1, limit - count - cost, 0, window)
"""

_SLIDING_WINDOW_COUNTER = """
local limit, window = tonumber(ARGV[4]), tonumber(ARGV[5])
local index = window_index(window)
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
  if curr > 0 then
    reset = start + 2 * window - now
  elseif prev > 0 then
    reset = start + window - now
  end
  return reply(1, math.max(0, math.floor(limit - used + EPS)), 0, reset)
end
curr = curr + cost
local reset = start + 2 * window - now
redis.call('SET', KEYS[1], string.format('%.17g %d %d', index, prev, curr), 'PX', px(reset))
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
  local remaining = math.max(0, math.floor(capacity - level + EPS))
  return reply(0, remaining, (level + cost - capacity) / rate, level / rate)
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
