-- Deletes the key while the claim (ARGV[1]) holds it, saved response or not: a response about a
-- case erased while it was being saved.
if redis.call('HGET', KEYS[1], 'claim') ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
