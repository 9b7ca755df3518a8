-- Writes a message (KEYS[1], ARGV[1]) the store still holds: one erased meanwhile stays erased,
-- with nothing of it written back. Returns 1 when written; the caller then moves it in its
-- queue shard.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
