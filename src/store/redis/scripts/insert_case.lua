-- Creates a case and its indexes unless the external reference is taken. Returns the owner's id.
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'v', ARGV[2], 'json', ARGV[3])
redis.call('SET', KEYS[3], ARGV[1])
redis.call('RPUSH', KEYS[4], ARGV[1])
return ARGV[1]
