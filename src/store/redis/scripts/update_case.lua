-- Compare-and-set on the case version (KEYS: case, retention index, retention creditors;
-- ARGV: version, next version, JSON, settled ms or '', case id, creditor id).
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'json', ARGV[3])
index_settled(KEYS[2], KEYS[3], ARGV[4], ARGV[5], ARGV[6])
return 1
