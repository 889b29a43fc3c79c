-- wrk script: replays requests read from the file named by BENCH_REQUESTS, picked at random.
-- One request per line, fields separated by tabs: METHOD, PATH, AUTHORIZATION (may be empty),
-- BODY (JSON on one line, may be empty). Prints one JSON line with the figures at the end.
local requests = {}
local file = os.getenv("BENCH_REQUESTS")

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    fields[#fields + 1] = field
  end
  return fields
end

function init(args)
  local f = assert(io.open(file, "r"))
  for line in f:lines() do
    local fields = split(line)
    local headers = { ["Host"] = "127.0.0.1", ["Accept"] = "application/json" }
    if fields[3] ~= nil and fields[3] ~= "" then
      headers["Authorization"] = fields[3]
    end
    local body = fields[4]
    if body ~= nil and body ~= "" then
      headers["Content-Type"] = "application/json"
    else
      body = nil
    end
    requests[#requests + 1] = wrk.format(fields[1], fields[2], headers, body)
  end
  f:close()
  math.randomseed(os.time() + (tonumber(tostring(requests):match("0x(%x+)"), 16) or 0))
end

function request()
  return requests[math.random(#requests)]
end

function done(summary, latency, requests_)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean))
end
