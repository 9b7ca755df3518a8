-- Moves a reply route kept under the number itself (KEYS[1]) to its pseudonym (KEYS[2]),
-- with its time to live; a newer route already under the pseudonym wins.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('DEL', KEYS[1])
else
  redis.call('RENAME', KEYS[1], KEYS[2])
end
return 1
