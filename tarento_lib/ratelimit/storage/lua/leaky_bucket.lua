-- Leaky bucket: "level last_drain" in one string; ARGV[4] = capacity, ARGV[5] = drain rate/s.
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
