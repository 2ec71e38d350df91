-- wrk script: POST /v1/users/{id}/verify_password for IDs drawn at random from the file in $IDS,
-- all users whose password is $PASSWORD.
local ids = {}
for line in io.lines(os.getenv("IDS")) do
  ids[#ids + 1] = line
end
local key = os.getenv("KEY") or "sk_test_bench"
local body = string.format('{"password":"%s"}', os.getenv("PASSWORD"))
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/json"

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
end

function request()
  return wrk.format(nil, "/v1/users/" .. ids[math.random(#ids)] .. "/verify_password", nil, body)
end

function done(summary, latency, requests)
  io.stderr:write(string.format("non-2xx: %d\n", summary.errors.status))
end
