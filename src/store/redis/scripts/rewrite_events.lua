-- Writes redacted payloads (ARGV pairs: event id, JSON) over those still stored; one trimmed
-- meanwhile is not brought back.
local count = 0
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    count = count + 1
  end
end
return count
