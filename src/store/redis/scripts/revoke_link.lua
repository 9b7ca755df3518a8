-- Revokes one link (KEYS[1]) by rewriting its record with `revoked` set, keeping its time to
-- live. Returns 1 when it was live.
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local link = cjson.decode(raw)
if link.revoked then return 0 end
link.revoked = true
redis.call('SET', KEYS[1], cjson.encode(link), 'KEEPTTL')
return 1
