-- The frequency cap's atomic step: record this reminder (ARGV[5]) at ARGV[1] if the window
-- still has a place for it. The rule itself is `ContactCap::next_allowed`'s; the numbers this
-- compares with are computed from it on the Rust side (`CapLimits`), so all that is here is
-- the record-if-under-cap that must happen in one step for several workers at once without a
-- second round trip (a read, a decision in Rust and a conditional write would be two).
--
-- ARGV: [1] now (ms), [2] the window's start (ms; reminders at or before it no longer count),
-- [3] the most reminders the window holds, [4] the latest the newest may be for another to go
-- (ms), [5] the message id, [6] the window's length (ms: the key's time to live).
-- Returns {1} when recorded (or recorded before for this message), otherwise {0, the scores
-- (ms) of the reminders in the window}, from which the caller works out when one may go.
--
-- KEYS[2], passed on a single Redis only, is the address's key as it was named before
-- pseudonyms (an unsalted SHA-256): what it still counts is carried over into KEYS[1] and the
-- old key goes, so an upgrade neither forgets reminders already sent this week nor keeps the old
-- name. It is on another slot than KEYS[1], which is why a Cluster never gets it: no version
-- that wrote those names ran on a Cluster, so none holds one.
if #KEYS == 2 and redis.call('EXISTS', KEYS[2]) == 1 then
  local old = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
  for i = 1, #old, 2 do redis.call('ZADD', KEYS[1], 'NX', old[i + 1], old[i]) end
  redis.call('DEL', KEYS[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZSCORE', KEYS[1], ARGV[5]) then return {1} end
local count = redis.call('ZCARD', KEYS[1])
local newest = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if count < tonumber(ARGV[3]) and (#newest == 0 or tonumber(newest[2]) <= tonumber(ARGV[4])) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
  return {1}
end
local out = {0}
local window = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 2, #window, 2 do table.insert(out, tonumber(window[i])) end
return out
