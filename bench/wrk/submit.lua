-- wrk script: citizens submit dossiers online (multipart), each request with its own
-- Idempotency-Key; about one request in twenty repeats the previous request of its connection
-- with the same key (a client retry), which must return the first dossier (200, no new code).
-- BENCH_SUBMIT_DIR holds body_<n>.bin files (multipart bodies), tokens.txt (one bearer token a
-- line) and boundary.txt; BENCH_RUN_ID makes the keys unique per run.
local dir = os.getenv("BENCH_SUBMIT_DIR")
local run_id = os.getenv("BENCH_RUN_ID") or "run"
local bodies, tokens = {}, {}
local boundary
local counter = 0
local last_key, last_token, last_body
statuses = {} -- globals: read back with thread:get() in done()
thread_id = thread_id or 0 -- set per thread by setup()
local threads = {}

local function read(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

function setup(thread)
  thread:set("thread_id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  boundary = read(dir .. "/boundary.txt"):gsub("%s+$", "")
  for line in io.lines(dir .. "/tokens.txt") do
    if line ~= "" then tokens[#tokens + 1] = line end
  end
  local n = 1
  while true do
    local f = io.open(dir .. "/body_" .. n .. ".bin", "rb")
    if f == nil then break end
    bodies[#bodies + 1] = f:read("*a")
    f:close()
    n = n + 1
  end
  math.randomseed(os.time() + (thread_id or 0) * 7919)
end

function request()
  local key, token, body
  if last_key ~= nil and math.random() < 0.05 then
    key, token, body = last_key, last_token, last_body
    statuses["retries"] = (statuses["retries"] or 0) + 1
  else
    counter = counter + 1
    key = run_id .. "-" .. thread_id .. "-" .. counter
    token = tokens[math.random(#tokens)]
    body = bodies[math.random(#bodies)]
  end
  last_key, last_token, last_body = key, token, body
  return wrk.format("POST", "/api/v1/my/dossiers/", {
    ["Host"] = "127.0.0.1",
    ["Accept"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = key,
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
  }, body)
end

function response(status, headers, body)
  local k = tostring(status)
  statuses[k] = (statuses[k] or 0) + 1
end

function done(summary, latency, requests_)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do parts[#parts + 1] = string.format('"%s": %d', k, v) end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean, table.concat(parts, ", ")))
end
