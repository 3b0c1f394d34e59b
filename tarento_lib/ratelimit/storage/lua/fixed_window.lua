-- Fixed window: "index count" in one string; ARGV[4] = limit, ARGV[5] = window.
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
