-- Saves the response (ARGV[2]) for ARGV[3] ms, only while the claim (ARGV[1]) still holds the
-- key and nothing is saved yet; a request that outlived its claim changes nothing.
--
-- A response about a case comes with the case's key (KEYS[2]) and its answer index (KEYS[3]):
-- it is listed there, so erasure finds it; if the case was erased while the request ran
-- (its record carries `answers_closed`), the response is not saved and the key is let go.
if redis.call('HGET', KEYS[1], 'claim') ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'response') == 1 then return 0 end
if #KEYS == 3 then
  if redis.call('HEXISTS', KEYS[2], 'answers_closed') == 1 then
    redis.call('DEL', KEYS[1])
    return 0
  end
  redis.call('SADD', KEYS[3], KEYS[1])
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
end
redis.call('HSET', KEYS[1], 'response', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
