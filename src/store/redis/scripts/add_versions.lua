-- Appends versions of a creditor's setting (mandate or journey) to its list (KEYS[1], one key)
-- if the list holds exactly ARGV[1] of them now; ARGV[2..] are the new versions' JSON, oldest
-- first. Returns 1 when appended, 0 when another change came first (nothing written).
if redis.call('LLEN', KEYS[1]) ~= tonumber(ARGV[1]) then return 0 end
for i = 2, #ARGV do
  redis.call('RPUSH', KEYS[1], ARGV[i])
end
return 1
