-- Creates a staff user unless its address is taken, in one step.
-- KEYS[1] the address index (staff_email), KEYS[2] the user (staff_user),
-- KEYS[3] the set of every user's id (staff_users)
-- ARGV[1] the user id, ARGV[2] the user as JSON
-- Returns 1 when created, 0 when a user already has the address.
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('SET', KEYS[2], ARGV[2])
  redis.call('SADD', KEYS[3], ARGV[1])
  return 1
end
return 0
