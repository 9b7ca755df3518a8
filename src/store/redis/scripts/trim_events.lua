-- Removes up to ARGV[2] entries up to ARGV[1] (a stream id, inclusive) with their payloads.
local entries = redis.call('XRANGE', KEYS[1], '-', ARGV[1], 'COUNT', ARGV[2])
for _, entry in ipairs(entries) do
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'ref' then redis.call('HDEL', KEYS[2], fields[i + 1]) end
  end
  redis.call('XDEL', KEYS[1], entry[1])
end
return #entries
