-- Erasure's part of the idempotency keys: marks the case (KEYS[1]) so no response about it is
-- saved any more, and returns the keys listed in its answer index (KEYS[2]); the caller
-- deletes them (each on its own slot), then the index.
redis.call('HSET', KEYS[1], 'answers_closed', '1')
return redis.call('SMEMBERS', KEYS[2])
