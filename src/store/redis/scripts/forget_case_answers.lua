-- Erasure's part of the idempotency keys: marks the case (KEYS[1]) so no response about it is
-- saved any more, then deletes every saved one listed in its answer index (KEYS[2]).
redis.call('HSET', KEYS[1], 'answers_closed', '1')
local keys = redis.call('SMEMBERS', KEYS[2])
local count = 0
for _, key in ipairs(keys) do count = count + redis.call('DEL', key) end
redis.call('DEL', KEYS[2])
return count
