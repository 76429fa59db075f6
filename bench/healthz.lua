-- wrk script for bench/load.py: plain GETs of the URL given. Its done() writes the RESULT line
-- bench/load.py reads; load.lua takes it from here too.

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f non2xx=%d connect=%d read=%d write=%d timeout=%d "
    .. "p50=%.2f p90=%.2f p99=%.2f max=%.2f mean=%.2f\n",
    summary.requests, summary.duration / 1e6, e.status, e.connect, e.read, e.write,
    e.timeout, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000))
end
