-- Fencing for a send: writes the message (ARGV[1]) and renews its lease (ARGV[3], ms) only if
-- the stored start count (`starts`) is ARGV[2] and the message is not final; then returns what
-- the send depends on, read in the same step: `{case json or '', 1 if the recipient opted
-- out}`. Returns nil when the start is lost. The recipient comes as its pseudonym (ARGV[5],
-- looked up in KEYS[5], its channel's opt-out set) and, for an SMS, as the number itself
-- (ARGV[6]) for the opt-out set as it was before pseudonyms (KEYS[6]), which a process of the
-- previous version may still add to during an upgrade.
--
-- The two fields are found by pattern, not `cjson.decode` (which cost more than the rest of the
-- script). Both serde_json and cjson (cancel_queued.lua re-encodes, keys in any order) write JSON
-- without spaces and escape every quote inside a string value, so `"status":"` and `"starts":`
-- match only the keys themselves, never text inside `last_error`; `Message` has no nested
-- field of either name. A message stored before `starts` existed reads 0.
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local starts = tonumber(string.match(raw, '"starts":(%d+)') or '0')
local status = string.match(raw, '"status":"(%a+)"')
local final = {sent = true, delivered = true, failed = true, cancelled = true}
if starts ~= tonumber(ARGV[2]) or final[status] then return false end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
local case = redis.call('HGET', KEYS[4], 'json') or ''
local opted_out = 0
if ARGV[5] ~= '' then
  opted_out = redis.call('SISMEMBER', KEYS[5], ARGV[5])
  if opted_out == 0 then opted_out = redis.call('SISMEMBER', KEYS[6], ARGV[6]) end
end
return {case, opted_out}
