-- The commit point of a new case: claims the agency's external reference (KEYS[1]) for the case
-- id ARGV[1] and lists the case in the agency's case list (KEYS[2]), both on the agency's slot,
-- unless the reference is taken. Returns the owner's id. The case record itself is written
-- before this step (see `cases.rs`).
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[1])
return ARGV[1]
