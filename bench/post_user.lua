-- wrk script: POST /v1/users with a new email address, username and external ID each time.
-- RUN (a tag unique to the run) keeps addresses from colliding with earlier runs' users;
-- PASSWORD, when set, gives every user that password (set in clear, hashed by the emulator).
local key = os.getenv("KEY") or "sk_test_bench"
local run = os.getenv("RUN") or tostring(os.time())
local password = os.getenv("PASSWORD")
local password_field = ""
if password and password ~= "" then
  password_field = string.format(',"password":"%s"', password)
end
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/json"

thread_tag = 0 -- a global: setup() sets it in each thread
local n = 0
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("thread_tag", counter)
end

function request()
  n = n + 1
  local tag = string.format("%s-%d-%d", run, thread_tag, n)
  local body = string.format(
    '{"email_address":["new.%s@bench.example"],"first_name":"New","last_name":"User",' ..
    '"username":"u_%s","external_id":"x-%s","public_metadata":{"plan":"free"}%s}',
    tag, (tag:gsub("[^%w]", "_")), tag, password_field)
  return wrk.format(nil, "/v1/users", nil, body)
end

function done(summary, latency, requests)
  io.stderr:write(string.format("non-2xx: %d\n", summary.errors.status))
end
