-- A debtor page's two reads in one round trip: the session (refreshing its idle timer) and
-- the case it is bound to. The case key is derived inside, so this script assumes one Redis
-- (not Cluster) — as do the other cross-key scripts here.
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local case_id = cjson.decode(raw).case_id
local case = redis.call('HGET', ARGV[2] .. '{' .. case_id .. '}', 'json')
if not case then return false end
return {raw, case}
