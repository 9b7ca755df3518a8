-- Applies a payment once: refuses a known reference, then compare-and-sets the case and
-- appends its events, all in one step (KEYS: payment reference, case, event stream, payloads,
-- the case's event index, retention index, retention creditors; ARGV as for update_case.lua, then
-- the events from ARGV[7]).
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
if redis.call('HGET', KEYS[2], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], 'v', ARGV[2], 'json', ARGV[3])
redis.call('SET', KEYS[1], ARGV[5])
index_settled(KEYS[6], KEYS[7], ARGV[4], ARGV[5], ARGV[6])
append_events(KEYS[3], KEYS[4], KEYS[5], 7)
return 1
