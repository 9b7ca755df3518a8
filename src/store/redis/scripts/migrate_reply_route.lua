-- Moves a reply route kept under the number itself (KEYS[1]) to its pseudonym (KEYS[2]),
-- with its time to live; a newer route already under the pseudonym wins. The two keys are on
-- different slots: this runs on a single Redis only, where the old names can be (see
-- `migrate.rs`; no version that wrote them ran on a Cluster).
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('DEL', KEYS[1])
else
  redis.call('RENAME', KEYS[1], KEYS[2])
end
return 1
