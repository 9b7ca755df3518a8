-- A page of an agency's events: the stream's entries from ARGV[1] (COUNT ARGV[2]) with their
-- payloads, as a flat list of (cursor, JSON). Entries written before payloads moved beside the
-- stream carry theirs inline (`event`).
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])
local out = {}
for _, entry in ipairs(entries) do
  local fields = entry[2]
  local payload = false
  for i = 1, #fields, 2 do
    if fields[i] == 'ref' then
      payload = redis.call('HGET', KEYS[2], fields[i + 1])
    elseif fields[i] == 'event' then
      payload = fields[i + 1]
    end
  end
  if payload then
    table.insert(out, entry[1])
    table.insert(out, payload)
  end
end
return out
