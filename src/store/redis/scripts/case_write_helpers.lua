-- Lua functions the case-writing scripts share (prepended to them).
--
-- `index_settled` keeps the retention index in step with a case write: `score` is when
-- collection ended (ms) for a case waiting for erasure, or '' for one that is not.
--
-- `append_events` appends the events in ARGV from `first` on, three arguments each (event id,
-- JSON, '1' when the event is about the case whose index is `index`). The stream entry holds
-- only the id; the payload lives in a hash beside it, so erasure can redact it in place (a
-- stream entry cannot be changed) and the cursor stays what it was.
local function index_settled(zkey, creditors, score, case_id, creditor)
  if score == '' then
    redis.call('ZREM', zkey, case_id)
  else
    redis.call('ZADD', zkey, score, case_id)
    redis.call('SADD', creditors, creditor)
  end
end
local function append_events(stream, data, index, first)
  for i = first, #ARGV, 3 do
    redis.call('XADD', stream, '*', 'ref', ARGV[i])
    redis.call('HSET', data, ARGV[i], ARGV[i + 1])
    if ARGV[i + 2] == '1' then redis.call('SADD', index, ARGV[i]) end
  end
end
