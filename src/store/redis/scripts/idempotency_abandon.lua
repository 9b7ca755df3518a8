-- Lets the key go, only while the claim (ARGV[1]) holds it and nothing is saved.
if redis.call('HGET', KEYS[1], 'claim') ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'response') == 1 then return 0 end
return redis.call('DEL', KEYS[1])
