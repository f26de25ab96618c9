-- bench/intake's wrk script. With INTAKE_BODIES set: POSTs pre-signed webhooks, one per line of that file
-- ("<unix seconds>\t<sha256=hex>\t<JSON body>", written by IntakeBench right before the run, so every
-- timestamp is fresh), each thread rotating through its own share of the lines (thread k takes lines
-- k, k+T, k+2T, ...), starting INTAKE_SKIP lines in (past what the warm-up sent, so the measured run's
-- bodies are new to the service). Without it: wrk's plain GET (for /health).
-- Prints one machine-readable line at the end, which IntakeBench reads:
--   intake: requests=N duration_us=D p50_us=X p90_us=Y p99_us=Z max_us=M non2xx=K connect=.. read=.. write=.. timeout=..

local bodies = os.getenv("INTAKE_BODIES")
local thread_count = tonumber(os.getenv("INTAKE_THREADS") or "2")
local skip = tonumber(os.getenv("INTAKE_SKIP") or "0")
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

if bodies then
  local requests
  local index

  function init(args)
    requests = {}
    local line_number = 0
    for line in io.lines(bodies) do
      if line_number % thread_count == id then
        local ts, sig, body = line:match("^(%d+)\t([^\t]+)\t(.*)$")
        requests[#requests + 1] = wrk.format("POST", nil, {
          ["Content-Type"] = "application/json",
          ["X-Webhook-Timestamp"] = ts,
          ["X-Webhook-Signature"] = sig,
        }, body)
      end
      line_number = line_number + 1
    end
    if #requests == 0 then
      error("no bodies in " .. bodies)
    end
    -- Pre-formatted once: request() only hands out strings, so the client stays cheap.
    index = skip % #requests
  end

  function request()
    index = index % #requests + 1
    return requests[index]
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("intake: requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
