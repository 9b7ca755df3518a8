-- One queue shard (KEYS: due, leased): moves run-out leases back to due, then leases up to
-- ARGV[3] due ids until ARGV[2] and returns them; the caller reads their records.
--
-- Each move is one variadic ZREM and one ZADD for all the ids at once, never a pair per id:
-- the claim costs the same handful of commands for one message or a thousand. (In chunks of
-- 1,000, well inside what Lua's `unpack` can pass.)
local function move(ids, from, to, score)
  for first = 1, #ids, 1000 do
    local last = math.min(first + 999, #ids)
    local members, scored = {}, {}
    for i = first, last do
      members[#members + 1] = ids[i]
      scored[#scored + 1] = score
      scored[#scored + 1] = ids[i]
    end
    redis.call('ZADD', to, unpack(scored))
    redis.call('ZREM', from, unpack(members))
  end
end
move(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1000), KEYS[2], KEYS[1], ARGV[1])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
move(ids, KEYS[1], KEYS[2], ARGV[2])
return ids
