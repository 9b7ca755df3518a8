-- Applies a payment once to the case: refuses a reference the case already took (KEYS[2], its
-- applied references), then compare-and-sets the case and marks its events, all in one step
-- (KEYS: case, applied references, the case's event index; ARGV: version, next version, JSON,
-- reference, then the event ids from ARGV[5]).
if redis.call('SISMEMBER', KEYS[2], ARGV[4]) == 1 then return 2 end
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'json', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4])
mark_events(KEYS[3], 5)
return 1
