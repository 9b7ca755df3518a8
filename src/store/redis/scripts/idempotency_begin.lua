-- Claims an idempotency key for ARGV[3] ms: returns 'started', 'mismatch', 'inflight' or the
-- saved response.
local fp = redis.call('HGET', KEYS[1], 'fp')
if not fp then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'claim', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 'started'
end
if fp ~= ARGV[1] then return 'mismatch' end
local saved = redis.call('HGET', KEYS[1], 'response')
if not saved then return 'inflight' end
return saved
