-- Lists an idempotency key (ARGV[1], a key name as data) in the case's answer index (KEYS[2])
-- for ARGV[2] ms, unless the case (KEYS[1]) was erased. Returns 1 when listed, 0 when erased.
if redis.call('HEXISTS', KEYS[1], 'answers_closed') == 1 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
