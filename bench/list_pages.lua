-- wrk script: GET /v1/users?limit=500 over every page of the list, newest first.
-- MODE=cursor walks with starting_after (cursors precomputed from the ID file, which lists
-- users in creation order as the emulator orders them); MODE=offset with offset pages.
-- Each connection requests the pages in turn, starting at a different page.
local path = os.getenv("IDS") or "bench/out/ids-100k.txt"
local mode = os.getenv("MODE") or "cursor"
local limit = tonumber(os.getenv("LIMIT") or "500")
local key = os.getenv("KEY") or "sk_test_bench"

local ids = {}
for line in io.lines(path) do
  ids[#ids + 1] = line
end
local pages = {}
local n = #ids
local k = 0
while k * limit < n do
  if mode == "offset" then
    pages[#pages + 1] = string.format("/v1/users?limit=%d&offset=%d", limit, k * limit)
  elseif k == 0 then
    pages[#pages + 1] = string.format("/v1/users?limit=%d", limit)
  else
    -- Newest first: page k starts after the (k*limit)-th newest user.
    pages[#pages + 1] = string.format("/v1/users?limit=%d&starting_after=%s", limit, ids[n - k * limit + 1])
  end
  k = k + 1
end
wrk.headers["Authorization"] = "Bearer " .. key

local next_page = 1
function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
  next_page = math.random(#pages)
end

function request()
  local p = pages[next_page]
  next_page = next_page % #pages + 1
  return wrk.format("GET", p)
end

function done(summary, latency, requests)
  io.stderr:write(string.format("pages: %d, non-2xx: %d\n", #pages, summary.errors.status))
end
