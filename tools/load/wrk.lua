-- The load harness's wrk script. Each request carries the next session
-- cookie of the file named by the first script argument (round robin; no
-- file or an empty one sends no cookie), every response that is not a 200
-- is counted, and done() prints one line the harness parses.
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local cookies, n, i = {}, 0, 0
non200 = 0

function init(args)
  local path = args[1]
  if path ~= nil and path ~= "" then
    for line in io.lines(path) do
      if line ~= "" then
        n = n + 1
        cookies[n] = line
      end
    end
  end
  -- Threads start at different cookies so they do not move in step.
  if n > 0 then i = (tid or 0) * math.floor(n / 2) % n end
end

function request()
  if n == 0 then
    return wrk.format()
  end
  i = i % n + 1
  return wrk.format(nil, nil, { ["Cookie"] = cookies[i] })
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non200") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "wrk-result requests=%d duration_us=%d p50_us=%.0f p99_us=%.0f connect=%d read=%d write=%d status=%d timeout=%d non200=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout, bad))
end
