-- wrk script for `python -m benchmarks.load`: mixed list queries, each followed page by page
-- through its cursors, as a client syncing customers does. Each thread stops after
-- LOAD_REQUESTS_PER_THREAD requests, so a run is a bounded number of requests.

local queries = {
  "/v1/customers?limit=50",
  "/v1/customers?status=active&sortBy=totalMonthlyRevenue&sortOrder=desc&limit=50",
  "/v1/customers?customerType=business&sortBy=lastName&sortOrder=asc&limit=20",
  "/v1/customers?hasActiveRentals=false&sortBy=email&limit=100",
  "/v1/customers?status=inactive&customerType=individual&sortBy=createdAt&sortOrder=asc&limit=10",
  "/v1/customers?sortBy=totalDevicesRented&sortOrder=desc&limit=75",
  "/v1/customers?sortBy=firstName&sortOrder=asc&limit=1",
}
local budget = tonumber(os.getenv("LOAD_REQUESTS_PER_THREAD") or "0")
local current = 0
local path = nil
local sent = 0

request = function()
  if path == nil then
    current = current % #queries + 1
    path = queries[current]
  end
  sent = sent + 1
  return wrk.format("GET", path)
end

response = function(status, headers, body)
  local cursor = status == 200 and body:match('"nextCursor":"([^"]+)"') or nil
  if cursor then
    path = queries[current] .. "&startAfter=" .. cursor
  else
    path = nil
  end
  if budget > 0 and sent >= budget then
    wrk.thread:stop()
  end
end
