-- Shared by every strategy's script (prepended when the scripts are loaded).
-- KEYS[1]: the key. ARGV: now ('' = read the server's TIME), cost, consume ('1'/'0'),
-- then the strategy's parameters. Each script answers one string:
-- "allowed remaining retry_after reset_after" (durations as %.17g, so they round-trip exactly).
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
-- exact text of a number (Lua's tostring keeps only 14 digits)
local function f(x) return string.format('%.17g', x) end
-- an expiry in ms: the state is fresh again after s seconds; one second of slack, because Redis
-- counts expiry in its own real time while now may come from another clock
local function px(s)
  return string.format('%d', math.min(math.ceil(s * 1000) + 1000, 1e15))
end
-- the k with k * window <= now < (k + 1) * window, both products rounded as floats
local function window_index(window)
  local index = math.floor(now / window)
  if (index + 1) * window <= now then return index + 1 end
  if index * window > now then return index - 1 end
  return index
end
local function reply(allowed, remaining, retry_after, reset_after)
  return string.format('%d %d %.17g %.17g', allowed, remaining, retry_after, reset_after)
end
