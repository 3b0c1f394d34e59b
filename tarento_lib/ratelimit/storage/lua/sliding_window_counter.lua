-- Sliding window counter: "index previous current" in one string; ARGV[4] = limit, ARGV[5] = window.
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
