-- wrk script: POST /api/v1/cases with a new external_ref on every request (per thread and
-- counter), the body read from a template file whose "@REF@" is replaced; prints one RESULT line.
-- usage: wrk -s bench/create_cases.lua URL -- BODY_TEMPLATE API_KEY
local threads = {}
local template, key
local n = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  template = io.open(args[1]):read("*a")
  key = args[2]
end

function request()
  n = n + 1
  local body = template:gsub("@REF@", string.format("B-%d-%d", tid, n))
  return wrk.format("POST", "/api/v1/cases", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. key,
  }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT req_per_s=%.0f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests, e.connect + e.read + e.write + e.status + e.timeout))
end
