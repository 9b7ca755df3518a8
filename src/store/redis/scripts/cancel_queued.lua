-- Marks a queued message (KEYS[1]) cancelled at ARGV[1]; the caller has just taken it out of
-- its due queue (the step that decides no worker holds it). Returns the record as written.
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local message = cjson.decode(raw)
message.status = 'cancelled'
message.updated_at = ARGV[1]
local out = cjson.encode(message)
redis.call('SET', KEYS[1], out)
return out
