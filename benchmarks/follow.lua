-- wrk script for `python -m benchmarks.load`: mixed list queries, each followed page by page
-- through its cursors, as a client syncing customers does. wrk's -d bounds each run.

local queries = {
  "/v1/customers?limit=50",
  "/v1/customers?status=active&sortBy=totalMonthlyRevenue&sortOrder=desc&limit=50",
  "/v1/customers?customerType=business&sortBy=lastName&sortOrder=asc&limit=20",
  "/v1/customers?hasActiveRentals=false&sortBy=email&limit=100",
  "/v1/customers?status=inactive&customerType=individual&sortBy=createdAt&sortOrder=asc&limit=10",
  "/v1/customers?sortBy=totalDevicesRented&sortOrder=desc&limit=75",
  "/v1/customers?sortBy=firstName&sortOrder=asc&limit=1",
}
local current = 0
local path = nil

request = function()
  if path == nil then
    current = current % #queries + 1
    path = queries[current]
  end
  return wrk.format("GET", path)
end

response = function(status, headers, body)
  local cursor = status == 200 and body:match('"nextCursor":"([^"]+)"') or nil
  if cursor then
    path = queries[current] .. "&startAfter=" .. cursor
  else
    path = nil
  end
end
