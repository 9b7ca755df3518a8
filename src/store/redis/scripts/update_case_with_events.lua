-- Compare-and-set on the case version, marking the events that report the change in the same
-- step (KEYS: case, the case's event index; ARGV as for update_case.lua, then the event ids
-- from ARGV[4]). The events are staged before and published after (see `events.rs`).
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'json', ARGV[3])
mark_events(KEYS[2], 4)
return 1
