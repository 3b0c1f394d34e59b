-- Token bucket: "tokens last_refill" in one string; ARGV[4] = capacity, ARGV[5] = refill rate/s.
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
