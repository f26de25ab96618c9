-- bench/intake's wrk script. With INTAKE_BODIES set: POSTs pre-signed webhooks from files IntakeBench wrote
-- right before the run (so every timestamp is fresh). Thread k reads "<INTAKE_BODIES>.<k>", a sequence of
-- records "<byte length>\n<raw HTTP request>", one record per request, from the start; at the end it starts
-- over and counts a wrap (repeated bodies are not new to the service). Without it: wrk's plain GET (for /health).
--
-- Why read as it goes rather than load the file in init(): wrk starts thread 0 sending before it runs
-- thread 1's init(), and starts its clock only after the last thread exists; a file loaded in init() for
-- tens of seconds let thread 0's requests of that time count in a window they were not timed in.
--
-- Prints one machine-readable line at the end, which IntakeBench reads:
--   intake: requests=N duration_us=D p50_us=X p90_us=Y p99_us=Z max_us=M non2xx=K connect=.. read=.. write=.. timeout=.. wraps=W

local prefix = os.getenv("INTAKE_BODIES")
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

if prefix then
  local file

  function init(args)
    file = assert(io.open(prefix .. "." .. id, "rb"))
    file:setvbuf("full", 1048576)
    wraps = 0 -- global: done() reads it with thread:get
  end

  function request()
    local length = file:read("*l")
    if not length then
      wraps = wraps + 1
      file:seek("set", 0)
      length = file:read("*l")
    end
    return file:read(tonumber(length))
  end
end

function done(summary, latency, requests)
  local wrapped = 0
  for _, thread in ipairs(threads) do
    wrapped = wrapped + (thread:get("wraps") or 0)
  end
  local e = summary.errors
  io.write(string.format("intake: requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d wraps=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout, wrapped))
end
