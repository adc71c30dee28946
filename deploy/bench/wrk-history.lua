-- wrk script for deploy/bench/history.sh: POSTs one dashboard call (HISTORY_CALL) with bodies that vary per request,
-- so that the server's and PostgreSQL's caches see many different queries. TOKEN is the local sign-in token.
--   list:    ListSessions, one team (of 20) and status SUCCEEDED, page of 50
--   search:  ListSessions, a text search: a rare word (one ticket, about 10 sessions) or a common one, in turns
--   metrics: GetMetrics over the last 14 days, all teams (an admin's view)
local call = os.getenv("HISTORY_CALL")
local token = os.getenv("TOKEN")
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
local n = 0

request = function()
  n = n + 1
  if call == "list" then
    return wrk.format("POST", "/api/dashboard/api.v1.DashboardService/ListSessions", headers,
      '{"teams":["team-' .. (n % 20) .. '"],"statuses":["SESSION_STATUS_SUCCEEDED"],"pageSize":50}')
  elseif call == "search" then
    local words = { "k" .. ((n * 7919) % 100000), "checkout", "r" .. ((n * 31) % 1000), "billing" }
    return wrk.format("POST", "/api/dashboard/api.v1.DashboardService/ListSessions", headers,
      '{"text":"' .. words[1 + n % 4] .. '","pageSize":50}')
  elseif call == "metrics" then
    local to = os.time()
    return wrk.format("POST", "/api/dashboard/api.v1.DashboardService/GetMetrics", headers,
      '{"from":"' .. os.date("!%Y-%m-%dT%H:%M:%SZ", to - 14 * 86400) .. '","to":"' .. os.date("!%Y-%m-%dT%H:%M:%SZ", to)
      .. '","bucketSeconds":86400}')
  else
    return wrk.format("GET", "/q/health/live", headers)
  end
end
