-- Sends the requests listed in $BENCH_REQUESTS (one "path<TAB>json body" per line) in
-- turn, and counts as an error every response that is not a 200 or carries a GraphQL
-- error other than LIMITED_ACCESS (a search may list cases the caller may not open: the
-- graph answers those nodes with that error by design). done() prints one line of JSON after the marker BENCH_RESULT. Every request
-- carries $BENCH_AUTHORIZATION as its Authorization header when that is set.

local requests = {}

local threads = {}
local position = 0
errors = 0

function setup(thread)
  thread:set("errors", 0)
  table.insert(threads, thread)
end

-- Built in init(), not at load time: wrk.format only knows the Host header by then.
function init(args)
  local headers = { ["Content-Type"] = "application/json" }
  local authorization = os.getenv("BENCH_AUTHORIZATION")
  if authorization and authorization ~= "" then
    headers["Authorization"] = authorization
  end
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local path, body = line:match("^([^\t]*)\t(.*)$")
    if path then
      requests[#requests + 1] = wrk.format(
        "POST", path, headers, body)
    end
  end
  math.randomseed(os.time())
  position = math.random(#requests) - 1
end

function request()
  position = position % #requests + 1
  return requests[position]
end

local function failed(body)
  if not body:find('"errors"', 1, true) then
    return false
  end
  for code in body:gmatch('"code"%s*:%s*"([%w_]+)"') do
    if code ~= "LIMITED_ACCESS" then
      return true
    end
  end
  return not body:find('"LIMITED_ACCESS"', 1, true)
end

function response(status, headers, body)
  if status ~= 200 or failed(body) then
    errors = errors + 1
  end
end

function done(summary, latency, requests_)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("errors")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "bad_responses": %d, "socket_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, bad, e.connect + e.read + e.write, e.timeout))
end
