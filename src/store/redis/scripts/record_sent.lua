-- A sent message (KEYS[1], ARGV[1]), unless it was erased while it was being sent. Returns 1
-- when written; the caller then releases it from its queue shard and indexes the provider's id
-- and the reply route (other slots; see `messages.rs` for why that order is safe).
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
