-- Compare-and-set on the case version (KEYS: case; ARGV: version, next version, JSON).
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'json', ARGV[3])
return 1
