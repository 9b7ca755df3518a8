-- Compare-and-set on the case version, and the events that report the change, in one step
-- (KEYS: case, event stream, event payloads, the case's event index, retention index,
-- retention creditors; ARGV as for update_case.lua, then the events from ARGV[7]).
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'json', ARGV[3])
index_settled(KEYS[5], KEYS[6], ARGV[4], ARGV[5], ARGV[6])
append_events(KEYS[2], KEYS[3], KEYS[4], 7)
return 1
