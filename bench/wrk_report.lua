-- wrk script of bench_pages.py: optional paths to spread requests over (wrk ... URL -- /a /b /c, one picked at
-- random per request), counts responses other than 200 (wrk itself counts only >= 400), and prints one line
-- "WRK_JSON {...}" with throughput and latency percentiles from done(summary, latency, requests).

local paths = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for _, path in ipairs(args) do
    table.insert(paths, path)
  end
  not_ok = 0
  math.randomseed(os.time())
end

function request()
  if #paths == 0 then
    return wrk.format(nil, nil)
  end
  return wrk.format(nil, paths[math.random(#paths)])
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("not_ok") or 0)
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_s": %.3f, "rps": %.1f, "p50_ms": %.1f, "p90_ms": %.1f, ' ..
    '"p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, "mean_ms": %.1f, "not_200": %d, "socket_errors": %d, ' ..
    '"bytes": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000, bad, errors, summary.bytes))
end
