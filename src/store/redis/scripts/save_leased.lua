-- Writes a message the store still holds (one erased meanwhile stays erased, with nothing of it
-- written back) and moves it in the queue by ARGV[2]: `due` queues it again at ARGV[3] (ms),
-- `done` releases it, anything else keeps it leased.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[2] == 'due' then
  redis.call('ZREM', KEYS[2], ARGV[4])
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
elseif ARGV[2] == 'done' then
  redis.call('ZREM', KEYS[2], ARGV[4])
  redis.call('ZREM', KEYS[3], ARGV[4])
end
return 1
