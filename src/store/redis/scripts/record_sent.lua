-- A sent message in one step, unless it was erased while it was being sent: saved (ARGV[1])
-- and released (ARGV[2], its id), the provider's id indexed (KEYS[4], for ARGV[4] ms) and, for
-- an SMS, its number's case (ARGV[3]) remembered for replies (KEYS[5], for ARGV[5] ms).
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('SET', KEYS[4], ARGV[2], 'PX', ARGV[4])
if #KEYS == 5 then redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[5]) end
return 1
