-- wrk script: GET /v1/users/{id} for IDs drawn at random from the file in $IDS.
local ids = {}
local path = os.getenv("IDS") or "bench/out/ids-100k.txt"
for line in io.lines(path) do
  ids[#ids + 1] = line
end
local key = os.getenv("KEY") or "sk_test_bench"
wrk.headers["Authorization"] = "Bearer " .. key

function init(args)
  -- A different random sequence in each wrk thread.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
end

function request()
  return wrk.format("GET", "/v1/users/" .. ids[math.random(#ids)])
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.stderr:write(string.format("non-2xx: %d\n", non2xx))
end
