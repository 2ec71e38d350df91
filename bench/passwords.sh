#!/usr/bin/env bash
# Measures what passwords cost the emulator: POST /v1/users without and with a password (set in
# clear, which the emulator hashes), and POST /v1/users/{id}/verify_password, in memory,
# 8 connections. See BENCHMARKS.md.
#
#   bench/passwords.sh                     # 3 repeats of 10 s each
#   REPEAT=5 DURATION=10 bench/passwords.sh
#   BIN=/tmp/clerkctl-before bench/passwords.sh   # another build, e.g. to compare before/after
#   EMULATOR_FLAGS= BIN=... bench/passwords.sh     # a build older than --no-limits
#
# Needs wrk and python3 (installs wrk from Debian when it is missing). Prints one line per run
# and the median of each figure.
set -euo pipefail
cd "$(dirname "$0")/.."

REPEAT=${REPEAT:-3}
DURATION=${DURATION:-10}
CONNS=${CONNS:-8}
THREADS=${THREADS:-2}
PASSWORD=${PASSWORD:-bench-Password-42}
# A load test: none of Clerk's limits, which wrk would hit at once.
EMULATOR_FLAGS=${EMULATOR_FLAGS---no-limits}
OUT=bench/out
BIN=${BIN:-}

if ! command -v wrk >/dev/null; then
    echo "installing wrk" >&2
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
mkdir -p "$OUT"
if [[ -z $BIN ]]; then
    BIN=target/release/clerkctl
    echo "building $BIN" >&2
    cargo build --release --locked -p clerkctl >&2
fi

PID=""
cleanup() { [[ -n $PID ]] && python3 bench/emu.py stop "$PID" 2>/dev/null || true; }
trap cleanup EXIT

RESULTS=$OUT/passwords-$(date -u +%Y%m%dT%H%M%SZ).tsv
: >"$RESULTS"
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates || echo '+dirty'); load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS" >&2

# wrk_rps NAME SCRIPT [ENV...]: one wrk run; records requests/s (every answer must be 2xx).
wrk_rps() {
    local name=$1 script=$2
    shift 2
    local out
    out=$(env "$@" wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -s "$script" "$URL" 2>&1)
    if ! grep -q 'non-2xx: 0$' <<<"$out"; then
        echo "$out" >&2
        echo "wrk $name: some answers were not 2xx" >&2
        exit 1
    fi
    printf '%s\t%s\n' "$name" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" | tee -a "$RESULTS" >&2
}

for i in $(seq "$REPEAT"); do
    # shellcheck disable=SC2086 # the flags are words
    read -r PID URL _ < <(python3 bench/emu.py start "$BIN" "$OUT" $EMULATOR_FLAGS)
    wrk_rps post_user.no_password.rps bench/post_user.lua RUN="n$i$$"
    wrk_rps post_user.password.rps bench/post_user.lua RUN="p$i$$" PASSWORD="$PASSWORD"
    # 100 users with the password, then verify it over and over.
    IDS=$OUT/password-ids.txt
    python3 - "$URL" "$PASSWORD" "$i$$" >"$IDS" <<'PY'
import json, sys, urllib.request
url, password, run = sys.argv[1:]
for n in range(100):
    body = json.dumps({"username": f"v_{run}_{n}", "password": password}).encode()
    req = urllib.request.Request(url + "/v1/users", data=body, method="POST", headers={
        "Authorization": "Bearer sk_test_bench", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        print(json.load(r)["id"])
PY
    if [[ $(python3 - "$URL" "$(head -1 "$IDS")" "$PASSWORD" <<'PY'
import json, sys, urllib.request, urllib.error
url, uid, password = sys.argv[1:]
req = urllib.request.Request(f"{url}/v1/users/{uid}/verify_password", method="POST",
    data=json.dumps({"password": password}).encode(),
    headers={"Authorization": "Bearer sk_test_bench", "Content-Type": "application/json"})
try:
    urllib.request.urlopen(req).read()
    print("yes")
except urllib.error.HTTPError:
    print("no")
PY
    ) == yes ]]; then
        wrk_rps verify_password.rps bench/verify_password.lua IDS="$IDS" PASSWORD="$PASSWORD"
    else
        echo "verify_password is not served by this build: skipped" >&2
    fi
    python3 bench/emu.py stop "$PID"
    PID=""
done

python3 - "$RESULTS" <<'PY'
import statistics, sys
figures = {}
for line in open(sys.argv[1]):
    if line.startswith("#"):
        print(line.rstrip())
        continue
    name, value = line.split("\t")
    figures.setdefault(name, []).append(float(value))
print(f"{'figure':<32} {'median':>10} {'min':>10} {'max':>10}  n")
for name, values in figures.items():
    print(f"{name:<32} {statistics.median(values):>10.0f} {min(values):>10.0f} {max(values):>10.0f}  {len(values)}")
PY
