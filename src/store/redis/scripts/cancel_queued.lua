-- Cancels a queued message: only if it is still in the due queue (no worker holds it).
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return false end
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local message = cjson.decode(raw)
message.status = 'cancelled'
message.updated_at = ARGV[2]
local out = cjson.encode(message)
redis.call('SET', KEYS[1], out)
return out
