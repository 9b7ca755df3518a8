-- wrk script: replays request paths (and optionally a cookie per request) from a file, cycling
-- from a random start per thread, and prints one parseable RESULT line.
-- usage: wrk -s bench/replay.lua URL -- PATHS_FILE [COOKIES_FILE]
local paths, cookies = {}, {}
local idx = 0

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  if args[2] then
    for line in io.lines(args[2]) do cookies[#cookies + 1] = line end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  idx = math.random(#paths) - 1
end

function request()
  idx = idx % #paths + 1
  if #cookies > 0 then
    return wrk.format("GET", paths[idx], { Cookie = cookies[(idx - 1) % #cookies + 1] })
  end
  return wrk.format("GET", paths[idx])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT req_per_s=%.0f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests, e.connect + e.read + e.write + e.status + e.timeout))
end
