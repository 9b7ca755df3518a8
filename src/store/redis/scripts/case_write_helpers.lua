-- Lua functions the case-writing scripts share (prepended to them).
--
-- `mark_events` adds the event ids in ARGV from `first` on to the case's event index (`index`,
-- on the case's slot): in the same step as the write, so an id there means the write happened
-- and its staged events may be published (see `events.rs` for the order of the steps). The
-- events themselves reach the agency's outbox in the next step (publish_events.lua): the
-- outbox is on the agency's slot, the case on its own.
local function mark_events(index, first)
  for i = first, #ARGV do
    redis.call('SADD', index, ARGV[i])
  end
end
