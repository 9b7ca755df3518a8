-- Revokes every live link of a case by rewriting its record with `revoked` set.
local digests = redis.call('SMEMBERS', KEYS[1])
local count = 0
for _, d in ipairs(digests) do
  local key = ARGV[1] .. d
  local raw = redis.call('GET', key)
  if raw then
    local link = cjson.decode(raw)
    if not link.revoked then
      link.revoked = true
      redis.call('SET', key, cjson.encode(link), 'KEEPTTL')
      count = count + 1
    end
  end
end
return count
