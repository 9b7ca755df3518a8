-- Records a used TOTP time step on a staff user, if later than the last one used.
-- KEYS[1] the user (staff_user, JSON)
-- ARGV[1] the time step
-- Returns 1 when recorded, 0 for a step not later than the last (a replayed code) or no user.
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local user = cjson.decode(raw)
local step = tonumber(ARGV[1])
local last = user['totp_last_step']
if last ~= nil and last ~= cjson.null and step <= last then return 0 end
user['totp_last_step'] = step
redis.call('SET', KEYS[1], cjson.encode(user))
return 1
