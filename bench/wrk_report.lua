-- wrk script of bench_pages.py: optional paths to spread requests over (wrk ... URL -- /a /b /c, one picked at
-- random per request), and one line "WRK_JSON {...}" with throughput, latency percentiles, error counts and
-- bytes read, from done(summary, latency, requests).
--
-- No response() hook: with one, wrk copies every response's headers and body into Lua strings, a cost that
-- grows with the page (20-70 KB list pages against /healthz's 32 bytes) and runs on the same cores as the
-- server. Statuses >= 400 are wrk's own summary.errors.status; a redirect instead of the page (a lost session)
-- is caught by bench_pages.py from the bytes per response and a check of the page after the run.

local paths = {}

function init(args)
  for _, path in ipairs(args) do
    table.insert(paths, path)
  end
  math.randomseed(os.time())
end

function request()
  if #paths == 0 then
    return wrk.format(nil, nil)
  end
  return wrk.format(nil, paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_s": %.3f, "rps": %.1f, "p50_ms": %.1f, "p90_ms": %.1f, ' ..
    '"p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, "mean_ms": %.1f, "http_errors": %d, "socket_errors": %d, ' ..
    '"bytes": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000, summary.errors.status, errors,
    summary.bytes))
end
