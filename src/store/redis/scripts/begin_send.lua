-- Fencing for a send: writes the message (KEYS[1], ARGV[1]) only if the stored start count
-- (`starts`) is ARGV[2] and the message is not final. Returns 1 when the start is won, 0 when
-- it is lost. The lease is renewed and what the send depends on is read right after (the queue
-- shard, the case and the opt-out sets are on other slots; see `messages.rs`).
--
-- The two fields are found by pattern, not `cjson.decode` (which cost more than the rest of the
-- script). Both serde_json and cjson (cancel_queued.lua re-encodes, keys in any order) write JSON
-- without spaces and escape every quote inside a string value, so `"status":"` and `"starts":`
-- match only the keys themselves, never text inside `last_error`; `Message` has no nested
-- field of either name. A message stored before `starts` existed reads 0.
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local starts = tonumber(string.match(raw, '"starts":(%d+)') or '0')
local status = string.match(raw, '"status":"(%a+)"')
local final = {sent = true, delivered = true, failed = true, cancelled = true}
if starts ~= tonumber(ARGV[2]) or final[status] then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
