-- Appends events to the agency's outbox: KEYS stream, payloads, staged events (all on the
-- agency's slot); ARGV[1] 'staged' or 'direct', then pairs of (event id, JSON). A staged event
-- is appended only while it is still staged, and unstaged in the same step, so publishing twice
-- (the writer and a recovery) appends it once. The stream entry holds only the id; the payload
-- lives in a hash beside it, so erasure can redact it in place (a stream entry cannot be
-- changed) and the cursor stays what it was.
local count = 0
for i = 2, #ARGV, 2 do
  if ARGV[1] == 'direct' or redis.call('HDEL', KEYS[3], ARGV[i]) == 1 then
    redis.call('XADD', KEYS[1], '*', 'ref', ARGV[i])
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
    count = count + 1
  end
end
return count
