-- Sliding log: a sorted set per key, one member per admitted unit, scored by its time.
-- ARGV[4] = limit, ARGV[5] = window, ARGV[6] = a token unique to this call (members never
-- collide, even for two requests in the same microsecond).
local limit, window, token = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local key = KEYS[1]
-- a unit admitted at t counts until t + window
redis.call('ZREMRANGEBYSCORE', key, '-inf', f(now - window + EPS))
local count = redis.call('ZCARD', key)
local function time_at(rank)  -- the time of the entry at a 0-based rank (-1: the newest)
  return tonumber(redis.call('ZRANGE', key, rank, rank, 'WITHSCORES')[2])
end
if count + cost > limit then  -- wait until enough of the oldest entries have left the window
  local retry = time_at(count + cost - limit - 1) + window - now
  return reply(0, limit - count, retry, time_at(-1) + window - now)
end
if not consume then
  local reset = 0
  if count > 0 then reset = time_at(-1) + window - now end
  return reply(1, limit - count, 0, reset)
end
local stamp = f(now)
for first = 1, cost, 1000 do  -- ZADD score member [score member ...], in batches Lua can unpack
  local args = {}
  for i = first, math.min(cost, first + 999) do
    args[#args + 1] = stamp
    args[#args + 1] = token .. ':' .. i
  end
  redis.call('ZADD', key, unpack(args))
end
redis.call('PEXPIRE', key, px(window))
return reply(1, limit - count - cost, 0, window)
