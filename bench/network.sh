#!/usr/bin/env bash
# Bulk work over a realistic network (see BENCHMARKS.md, "Over a network"): an emulator that
# answers every request 100 ms late (`--latency-ms`) and allows 1000 requests in any 10 s
# (`--rate-limit 1000/10`, a production instance's limit), and clients paced to the same limit
# with nothing else said (`--rate 1000/10`, the default for sk_live_ keys; no --concurrency).
#
# 1. Export: `clerkctl users export` of USERS seeded users, beside Clerk's official Python SDK
#    paging through them (bench/export_python.py, one page after another). Target: >= 90% of
#    the bound 100 requests/s of 500-user pages allow (>= 45,000 users/s).
# 2. Creates: `clerkctl users import` of ROWS users (one create a row), beside the same rows
#    sent one request after another, by the Python SDK (bench/import_python.py, PY_ROWS rows) and
#    by clerkctl --concurrency 1. Target: >= 90 requests/s, <= 1% of them answered 429.
# 3. At 0 ms (no latency, no limit, `--rate off`): the same export, and an import of ZERO_ROWS
#    rows, beside the import with --concurrency 4 (what every job did before the in-flight
#    controller) and, when BEFORE names another build of clerkctl, that build's export and
#    import, the builds taking turns on one emulator.
#
#   bench/network.sh                          # about 3 minutes
#   BEFORE=/tmp/clerkctl-main bench/network.sh
#   USERS=5000 ROWS=300 ZERO_ROWS=1000 PY_ROWS=50 REPEAT=1 bench/network.sh   # a quick check
#
# Builds clerkctl in release mode (unless BIN names one), makes the Python virtualenv interop/run
# uses (interop/.venv), generates the seed with bench/gen_seed.py. Each run uses a key of its own
# (the emulator limits each key on its own), so no run starts in another's window. Raw figures
# go to bench/out/network/results-<time>.tsv, each run's files beside them; the summary to stdout.
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
USERS=${USERS:-50000}
ROWS=${ROWS:-3000}
ZERO_ROWS=${ZERO_ROWS:-20000}
PY_ROWS=${PY_ROWS:-300}
REPEAT=${REPEAT:-3}
LATENCY_MS=${LATENCY_MS:-100}
LIMIT=${LIMIT:-1000/10}
out="$root/bench/out/network"
bin="${BIN:-$root/target/release/clerkctl}"
BEFORE=${BEFORE:-}
mkdir -p "$out"

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
    log "$*"
    exit 1
}

if [[ -z ${BIN:-} ]]; then
    log "building clerkctl (release)"
    cargo build --release --locked -p clerkctl >&2
fi

venv="$root/interop/.venv"
requirements="$root/interop/python/requirements.txt"
if ! cmp -s "$requirements" "$venv/.requirements.txt"; then
    log "installing clerk-backend-api into interop/.venv"
    rm -rf "$venv"
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
        -r "$requirements"
    cp "$requirements" "$venv/.requirements.txt"
fi
python="$venv/bin/python"

export HOME="$out/home" XDG_STATE_HOME="$out/home/state" XDG_DATA_HOME="$out/home/data"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$out/results-$stamp.tsv"
: >"$results"
record() { printf '%s\t%s\n' "$1" "$2" | tee -a "$results" >&2; }
run_no=0
# A key of its own for each run: an empty window at the emulator.
next_key() {
    run_no=$((run_no + 1))
    export CLERK_SECRET_KEY="sk_test_network_${stamp}_${run_no}"
}

emulator=""
cleanup() { [[ -n $emulator ]] && python3 bench/emu.py stop "$emulator" 2>/dev/null || true; }
trap cleanup EXIT
start_emulator() {
    local url secs
    read -r emulator url secs < <(python3 bench/emu.py start "$bin" "$out" "$@")
    [[ -n $emulator ]] || die "the emulator did not start; see $out/emulator.err"
    export CLERK_API_URL="$url"
    log "emulator $emulator at $url ($*)"
}
stop_emulator() {
    python3 bench/emu.py stop "$emulator"
    emulator=""
}
# timed NAME CMD...: WALL seconds, RC.
timed() {
    local name=$1 t0 t1
    shift
    t0=$EPOCHREALTIME
    RC=0
    "$@" >"$out/$name.out" 2>"$out/$name.err" || RC=$?
    t1=$EPOCHREALTIME
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}
check_export() {
    python3 - "$ids" "$1" <<'PY' >&2 || die "$1 does not hold every seeded user exactly once, newest first"
import json, sys
expected = open(sys.argv[1]).read().split()
got = [json.loads(line)["id"] for line in open(sys.argv[2], encoding="utf-8")]
# gen_seed.py writes the IDs oldest first; the list is newest first.
ok = got == expected[::-1]
print(f"bench: {sys.argv[2]}: {len(got)} users, {len(set(got))} distinct, in order: {ok}")
sys.exit(not ok)
PY
}
rows_file() { # rows_file N FILE
    awk -v n="$1" -v r="$stamp$run_no" 'BEGIN { for (i = 1; i <= n; i++)
        printf "{\"email_address\":\"net.%s.%d@example.com\",\"first_name\":\"Net\",\"last_name\":\"Row %d\",\"external_id\":\"net-%s-%d\"}\n", r, i, i, r, i }' >"$2"
}
# import_run NAME BIN ROWS [FLAGS...]: a users import; records requests/s, 429s, failed.
import_run() {
    local name=$1 b=$2 n=$3
    shift 3
    next_key
    rows_file "$n" "$out/$name.ndjson"
    rm -f "$out/$name.journal"
    timed "$name" "$b" users import --file "$out/$name.ndjson" --journal "$out/$name.journal" -o json "$@"
    ((RC == 0)) || log "$name: exit $RC: $(tail -n 3 "$out/$name.err")"
    python3 - "$out/$name.out" "$name" <<'PY' | tee -a "$results" >&2
import json, sys
s = json.load(open(sys.argv[1]))
name = sys.argv[2]
secs = s["elapsed_ms"] / 1000
print(f"{name}.requests\t{s['requests']}\n{name}.elapsed_s\t{secs:.3f}\n{name}.requests_per_s\t{s['requests'] / secs:.2f}")
print(f"{name}.rate_limited\t{s['rate_limited']}\n{name}.failed\t{s['failed']}\n{name}.created\t{s['created']}")
PY
}

seed="$root/bench/out/seed-$USERS.json"
ids="$root/bench/out/ids-$USERS.txt"
if [[ ! -s $seed || ! -s $ids ]]; then
    log "generating $USERS users"
    python3 bench/gen_seed.py --users "$USERS" --out "$seed" --ids "$ids" >&2
fi
record load_before "$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 1 and 2: at LATENCY_MS, LIMIT ------------------------------------------------------------
start_emulator --no-limits --latency-ms "$LATENCY_MS" --rate-limit "$LIMIT" --seed "$seed"
for i in $(seq "$REPEAT"); do
    next_key
    rm -f "$out/export.ndjson"
    timed "export-$i" "$bin" users export --format ndjson --out "$out/export.ndjson" --rate "$LIMIT"
    ((RC == 0)) || die "export failed: $(cat "$out/export-$i.err")"
    record export.users_per_s "$(awk -v n="$USERS" -v s="$WALL" 'BEGIN { printf "%.0f", n / s }')"
    record export.wall_s "$WALL"
    check_export "$out/export.ndjson"
done
next_key
rm -f "$out/export-python.ndjson"
timed export-python "$python" bench/export_python.py "$out/export-python.ndjson" 500
((RC == 0)) || die "the Python export failed: $(tail -n 3 "$out/export-python.err")"
record export_python.users_per_s "$(awk -v n="$USERS" -v s="$WALL" 'BEGIN { printf "%.0f", n / s }')"
record export_python.wall_s "$WALL"
check_export "$out/export-python.ndjson"
stop_emulator

# Creates on an empty instance (no seed: the user table's size is not under test).
start_emulator --no-limits --latency-ms "$LATENCY_MS" --rate-limit "$LIMIT"
for i in $(seq "$REPEAT"); do
    import_run "import-$i" "$bin" "$ROWS" --rate "$LIMIT"
done
import_run import-one-at-a-time "$bin" "$PY_ROWS" --rate "$LIMIT" --concurrency 1
next_key
rows_file "$PY_ROWS" "$out/import-python.ndjson"
timed import-python "$python" bench/import_python.py "$out/import-python.ndjson"
((RC == 0)) || die "the Python import failed: $(tail -n 3 "$out/import-python.err")"
read -r n secs rps limited <"$out/import-python.err"
record import_python.requests_per_s "$rps"
record import_python.rate_limited "$limited"
stop_emulator

# ---- 3: at 0 ms, no limit ---------------------------------------------------------------------
# The builds take turns on one emulator (a run of each, then again), so that a change in the
# machine's load or the emulator's warmth falls on both; imports send ZERO_ROWS rows, enough for
# a run to last over a second.
builds=(after)
[[ -n $BEFORE ]] && builds+=(before)
build_bin() { if [[ $1 == before ]]; then echo "$BEFORE"; else echo "$bin"; fi; }
start_emulator --no-limits --seed "$seed"
for i in $(seq "$REPEAT"); do
    for label in "${builds[@]}"; do
        next_key
        rm -f "$out/export0.ndjson"
        timed "export0-$label-$i" "$(build_bin "$label")" users export --format ndjson --out "$out/export0.ndjson" --rate off
        ((RC == 0)) || die "export failed: $(cat "$out/export0-$label-$i.err")"
        record "zero.$label.export_users_per_s" "$(awk -v n="$USERS" -v s="$WALL" 'BEGIN { printf "%.0f", n / s }')"
        check_export "$out/export0.ndjson"
    done
done
stop_emulator
start_emulator --no-limits
last_rate() { awk -F'\t' '$1 ~ /requests_per_s/ { v = $2 } END { print v }' "$results"; }
for i in $(seq "$REPEAT"); do
    for label in "${builds[@]}"; do
        import_run "import0-$label-$i" "$(build_bin "$label")" "$ZERO_ROWS" --rate off
        record "zero.$label.import_requests_per_s" "$(last_rate)"
    done
    # The default before the in-flight controller: 4 in flight, whatever the network.
    import_run "import0-fixed4-$i" "$bin" "$ZERO_ROWS" --rate off --concurrency 4
    record "zero.fixed4.import_requests_per_s" "$(last_rate)"
done
stop_emulator
record load_after "$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" <<'PY'
import statistics, sys
f = {}
for line in open(sys.argv[1]):
    k, v = line.rstrip("\n").split("\t")
    f.setdefault(k, []).append(v)
def span(k):
    v = [float(x) for x in f[k]]
    return f"{statistics.median(v):,.1f} [{min(v):,.1f}-{max(v):,.1f}]" if len(v) > 1 else f"{v[0]:,.1f}"
for k in f:
    if k.startswith("load"):
        print(f"{k}: {' / '.join(f[k])}")
    elif not k.endswith((".requests", ".elapsed_s", ".created", ".failed")) or k.startswith("import-"):
        pass
for k in ("export.users_per_s", "export_python.users_per_s", "import_python.requests_per_s",
          "zero.after.export_users_per_s", "zero.before.export_users_per_s",
          "zero.after.import_requests_per_s", "zero.fixed4.import_requests_per_s",
          "zero.before.import_requests_per_s"):
    if k in f:
        print(f"{k}: {span(k)}")
for k in sorted(f):
    if k.startswith(("import-", "import_python.rate")) and k.endswith(("requests_per_s", "rate_limited", "failed", "requests")):
        print(f"{k}: {f[k][0]}")
PY
