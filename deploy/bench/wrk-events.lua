-- wrk script: POSTs the pre-signed Slack events of EVENTS_FILE (see SignedEvents.java), each once: thread k of
-- n sends lines k, k+n, k+2n, ... When a thread runs out it stops sending new events and counts the
-- repeats it had to send in `exhausted` (the run is then too long for the file; a repeat is a duplicate,
-- cheaper for the gateway, so the round is reported as invalid).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file = os.getenv("EVENTS_FILE")
  events = {}
  local n, k = #threads, 0
  local total = tonumber(os.getenv("WRK_THREADS") or "2")
  local i = 0
  for line in io.lines(file) do
    if i % total == index then
      local timestamp, signature, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
      events[#events + 1] = { timestamp, signature, body }
    end
    i = i + 1
  end
  next_event = 1
  exhausted = 0
end

function request()
  local e = events[next_event]
  if e == nil then
    exhausted = exhausted + 1
    e = events[1]
  else
    next_event = next_event + 1
  end
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["X-Slack-Request-Timestamp"] = e[1],
    ["X-Slack-Signature"] = e[2],
  }, e[3])
end

function done(summary, latency, requests)
  local repeats = 0
  for _, thread in ipairs(threads) do
    repeats = repeats + (thread:get("exhausted") or 0)
  end
  io.write(string.format("RESULT requests=%d seconds=%.3f non2xx=%d errors=%d repeats=%d p50=%.2f p99=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, repeats,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
