-- Saves the response (ARGV[2]) for ARGV[3] ms, only while the claim (ARGV[1]) still holds the
-- key and nothing is saved yet; a request that outlived its claim changes nothing. A response
-- about a case was listed in the case's answer index first (list_answer.lua).
if redis.call('HGET', KEYS[1], 'claim') ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'response') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'response', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
