#!/usr/bin/env bash
# The bulk-job benchmarks (issue 5, "Performance"; see BENCHMARKS.md):
#
# 1. Export: `clerkctl users export --format ndjson --out FILE` of USERS seeded users from a local
#    `clerkctl emulator`, side by side in the same run with Clerk's official Python SDK
#    (clerk-backend-api, at the version interop/python/requirements.txt pins) paging through
#    the same users (bench/export_python.py). Users/s (whole process, wall clock), peak memory
#    (max RSS from /usr/bin/time -v) and the ratio; both files are checked to hold every seeded
#    user ID exactly once. Targets: >= 50,000 users/s, <= 50 MB, and (aim) >= 5x the SDK.
# 2. Pacing: bulk jobs against an emulator started with `--rate-limit N/SECONDS`, the client
#    paced to the same limit (`--rate N/SECONDS`): `users import` at RATE (one request a row),
#    `users import` at Clerk's development limit DEV_RATE, and `app-invitations bulk` at RATE
#    (10 rows a request). Achieved requests/s as a share of the allowed rate, 429 answers seen,
#    rows failed. Target: >= 95% of the allowed rate, no row failed by a 429.
#
#   bench/bulk.sh                                   # everything, about 3 minutes
#   USERS=5000 REPEAT=1 RATE_ROWS=300 DEV_ROWS=0 INVITE_ROWS=0 bench/bulk.sh   # a quick check
#
# Environment (0 skips a part):
#   USERS=100000      users to seed and export          REPEAT=3  export runs of each tool
#   RATE=100/1        emulator and client limit         RATE_ROWS=3000    users import rows
#   DEV_RATE=100/10   Clerk's development limit         DEV_ROWS=400      users import rows
#   INVITE_ROWS=20000 app-invitations bulk rows at RATE
# Keep each job's requests a multiple of the limit's N (rows for the imports, rows/10 for the
# invitations): see "steady" below.
#
# Builds clerkctl in release mode, installs GNU time with apt-get when it is missing (as root;
# this is not run in CI), makes the Python virtualenv interop/run uses (interop/.venv),
# generates the seed with bench/gen_seed.py (bench/out/seed-USERS.json, shared with
# bench/emulator.sh), starts and stops the emulators. Raw figures go to
# bench/out/bulk/results-<time>.tsv and every run's files to bench/out/bulk/; the summary to
# stdout, progress to stderr.
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
USERS=${USERS:-100000}
REPEAT=${REPEAT:-3}
RATE=${RATE:-100/1}
RATE_ROWS=${RATE_ROWS:-3000}
DEV_RATE=${DEV_RATE:-100/10}
DEV_ROWS=${DEV_ROWS:-400}
INVITE_ROWS=${INVITE_ROWS:-20000}
out="$root/bench/out/bulk"
bin="$root/target/release/clerkctl"
mkdir -p "$out"

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

if [ ! -x /usr/bin/time ]; then
    if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
        die "GNU time is missing: apt-get install time"
    fi
    log "installing GNU time with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

log "building clerkctl (release)"
cargo build --release --locked -p clerkctl >&2

# The same virtualenv as interop/run: rebuilt only when the pins change.
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
sdk_version="$("$python" -c 'import importlib.metadata as m; print(m.version("clerk-backend-api"))')"

# clerkctl's audit log and state stay in here, not in the caller's home.
export HOME="$out/home" XDG_STATE_HOME="$out/home/state" XDG_DATA_HOME="$out/home/data"
# The emulator accepts any sk_test_ key and rate-limits each key on its own: bench/emu.py checks
# that it answers with sk_test_bench, so the jobs use another key, whose window that request
# does not touch.
export CLERK_SECRET_KEY=sk_test_bulk

stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$out/results-$stamp.tsv"
: >"$results"
record() { printf '%s\t%s\n' "$1" "$2" | tee -a "$results" >&2; }
note() { printf '# %s\n' "$*" | tee -a "$results" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }

emulator=""
cleanup() { [[ -n $emulator ]] && python3 bench/emu.py stop "$emulator" 2>/dev/null || true; }
trap cleanup EXIT

# start_emulator FLAGS...: starts one on a free port; sets $emulator (its PID) and CLERK_API_URL.
start_emulator() {
    local url secs
    read -r emulator url secs < <(python3 bench/emu.py start "$bin" "$out" "$@")
    [[ -n $emulator ]] || die "the emulator did not start; see $out/emulator.err"
    export CLERK_API_URL="$url"
    log "emulator $emulator at $url ($*) started in $secs s"
}
stop_emulator() {
    python3 bench/emu.py stop "$emulator"
    emulator=""
}

# timed NAME CMD...: runs CMD under /usr/bin/time -v (report in NAME.time, stderr in NAME.err,
# stdout in NAME.out); sets WALL (seconds, from bash's clock), RSS_KB and RC.
timed() {
    local name=$1 t0 t1
    shift
    t0=$EPOCHREALTIME
    RC=0
    /usr/bin/time -v -o "$out/$name.time" "$@" >"$out/$name.out" 2>"$out/$name.err" || RC=$?
    t1=$EPOCHREALTIME
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    RSS_KB=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$out/$name.time")
}

{
    echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates || echo '+dirty')"
    echo "# nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); $(free -m | awk '/Mem:/ {print $2}') MB RAM"
    echo "# clerk-backend-api $sdk_version; $("$python" --version)"
    echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$results" >&2

# ---- 1. export ------------------------------------------------------------------------------

if ((USERS > 0)); then
    seed="$root/bench/out/seed-$USERS.json"
    ids="$root/bench/out/ids-$USERS.txt"
    if [[ ! -s $seed || ! -s $ids || bench/gen_seed.py -nt $seed ]]; then
        log "generating $USERS users"
        python3 bench/gen_seed.py --users "$USERS" --out "$seed" --ids "$ids" >&2
    fi
    # A load test: none of Clerk's limits (the export measures speed, not pacing).
    start_emulator --no-limits --seed "$seed"

    # check FILE: every seeded ID exactly once, nothing else.
    check() {
        python3 - "$ids" "$1" <<'PY' >&2 || die "$1 does not hold every seeded user exactly once"
import json, sys
expected = set(open(sys.argv[1]).read().split())
got = [json.loads(line)["id"] for line in open(sys.argv[2], encoding="utf-8")]
unique = set(got)
print(f"bench: {sys.argv[2]}: {len(got)} lines, {len(unique)} unique IDs, "
      f"{len(expected - unique)} missing, {len(unique - expected)} unknown")
sys.exit(not (len(got) == len(unique) == len(expected) and unique == expected))
PY
    }

    # clerkctl paces to 100/10 by default with an sk_test_ key; the SDK does not pace at all.
    export_clerkctl=("$bin" users export --format ndjson --out "$out/export-clerkctl.ndjson" --rate off)
    export_python=("$python" "$root/bench/export_python.py" "$out/export-python.ndjson" 500)
    log "warm-up: one export with each"
    timed warmup-clerkctl "${export_clerkctl[@]}"
    ((RC == 0)) || die "clerkctl users export failed: $(cat "$out/warmup-clerkctl.err")"
    timed warmup-python "${export_python[@]}"
    ((RC == 0)) || die "the Python SDK export failed: $(tail -n 5 "$out/warmup-python.err")"

    for i in $(seq "$REPEAT"); do
        log "export, repeat $i of $REPEAT"
        record export.load1 "$(load1)"
        rm -f "$out/export-clerkctl.ndjson"
        timed export-clerkctl "${export_clerkctl[@]}"
        ((RC == 0)) || die "clerkctl users export failed: $(cat "$out/export-clerkctl.err")"
        record export.clerkctl.wall_s "$WALL"
        record export.clerkctl.users_per_s "$(awk -v n="$USERS" -v s="$WALL" 'BEGIN { printf "%.0f", n / s }')"
        record export.clerkctl.rss_kb "$RSS_KB"
        # Its own figure, from just before the first request to the renamed file.
        record export.clerkctl.inner_users_per_s "$(sed -n 's/.*exported .* (\([0-9]*\)\/s)$/\1/p' "$out/export-clerkctl.err")"
        check "$out/export-clerkctl.ndjson"

        rm -f "$out/export-python.ndjson"
        timed export-python "${export_python[@]}"
        ((RC == 0)) || die "the Python SDK export failed: $(tail -n 5 "$out/export-python.err")"
        record export.python.wall_s "$WALL"
        record export.python.users_per_s "$(awk -v n="$USERS" -v s="$WALL" 'BEGIN { printf "%.0f", n / s }')"
        record export.python.rss_kb "$RSS_KB"
        # From after the imports and the client's construction to the last page written.
        record export.python.inner_users_per_s "$(awk 'END { print $3 }' "$out/export-python.err")"
        check "$out/export-python.ndjson"
    done
    # The same work on both sides: the same users in the same order (newest first), equal as JSON
    # (the key order differs).
    python3 - "$out/export-clerkctl.ndjson" "$out/export-python.ndjson" <<'PY' >&2 ||
import json, sys
n = differ = 0
for a, b in zip(open(sys.argv[1], encoding="utf-8"), open(sys.argv[2], encoding="utf-8")):
    n += 1
    differ += json.loads(a) != json.loads(b)
print(f"bench: the two exports: {n} lines, {differ} differ as JSON")
sys.exit(differ > 0)
PY
        die "clerkctl's export and the SDK's differ"
    stop_emulator
fi

# ---- 2. bulk jobs under --rate-limit ---------------------------------------------------------

# paced NAME RATE ROWS JOB...: a fresh emulator with --rate-limit RATE, JOB run with --rate RATE
# on a file of ROWS rows; records the job's summary and the achieved rate.
paced() {
    local name=$1 rate=$2 rows=$3
    shift 3
    local job=("$@") file="$out/$name.ndjson"
    ((rows > 0)) || return 0
    log "$name: ${job[*]} on $rows rows, emulator --rate-limit $rate, client --rate $rate"
    case "${job[0]}" in
    users) # one create-user request a row, matched by external_id
        awk -v n="$rows" -v r="$stamp" 'BEGIN { for (i = 1; i <= n; i++)
            printf "{\"email_address\":\"bulk.%s.%d@example.com\",\"first_name\":\"Bulk\",\"last_name\":\"Row %d\",\"external_id\":\"bench-%s-%d\"}\n", r, i, i, r, i }' >"$file"
        ;;
    *) # invitations: 10 rows a bulk request
        awk -v n="$rows" -v r="$stamp" 'BEGIN { for (i = 1; i <= n; i++)
            printf "{\"email_address\":\"invitee.%s.%d@example.com\",\"notify\":false}\n", r, i }' >"$file"
        ;;
    esac
    rm -f "$out/$name.journal"
    # Only the request rate under test: no per-record, hourly invitation or membership limits.
    start_emulator --no-limits --rate-limit "$rate"
    record "$name.load1" "$(load1)"
    timed "$name" "$bin" "${job[@]}" --file "$file" --journal "$out/$name.journal" --rate "$rate" -o json
    record "$name.load1_after" "$(load1)"
    ((RC == 0)) || log "$name: clerkctl exited $RC: $(tail -n 5 "$out/$name.err")"
    # Nothing created twice: the instance holds exactly the rows (users import only). Asked with
    # the other key: the job's own may be at its limit now.
    local count=""
    if [[ ${job[0]} == users ]]; then
        count=$(curl -fsS -H "Authorization: Bearer sk_test_bench" "$CLERK_API_URL/v1/users/count" |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["total_count"])')
    fi
    stop_emulator
    python3 - "$out/$name.out" "$name" "$rate" "$rows" "$WALL" "$count" <<'PY' | tee -a "$results" >&2
import json, sys
path, name, rate, rows, wall, count = sys.argv[1:]
s = json.load(open(path))
n, secs = rate.rstrip("s").split("/")
allowed = int(n) / float(secs)          # requests/s the limit allows on average
elapsed = s["elapsed_ms"] / 1000        # the job's own clock: first request to last answer
for k in ("status", "rows", "created", "skipped", "failed", "requests", "retries", "rate_limited", "elapsed_ms"):
    print(f"{name}.{k}\t{s[k]}")
print(f"{name}.wall_s\t{wall}")
if count:
    print(f"{name}.users_on_instance\t{count}")
print(f"{name}.requests_per_s\t{s['requests'] / elapsed:.3f}")
print(f"{name}.allowed_per_s\t{allowed:g}")
# Two shares of the allowed rate. "naive": all requests over the elapsed time; a sliding window
# lets the first N go at once, so a short job can pass 100%. "steady": the requests after the
# first window's N over the elapsed time, i.e. how fast the window was refilled: a perfect pacer
# gets 100% when the requests are a multiple of N, less otherwise.
print(f"{name}.naive_pct\t{100 * s['requests'] / elapsed / allowed:.1f}")
print(f"{name}.steady_pct\t{100 * (s['requests'] - int(n)) / elapsed / allowed:.1f}")
PY
}

paced import "$RATE" "$RATE_ROWS" users import
paced import_dev "$DEV_RATE" "$DEV_ROWS" users import
paced invitations "$RATE" "$INVITE_ROWS" app-invitations bulk --no-hourly-limits

note "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- summary ---------------------------------------------------------------------------------

python3 - "$results" "$USERS" "$sdk_version" <<'PY'
import statistics, sys
from collections import OrderedDict
path, users, sdk = sys.argv[1], int(sys.argv[2]), sys.argv[3]
f = OrderedDict()
for line in open(path):
    if line.startswith("#"):
        print(line.rstrip())
        continue
    k, v = line.rstrip("\n").split("\t")
    f.setdefault(k, []).append(v)

def num(k):
    return [float(v) for v in f[k]]

def med(k):
    return statistics.median(num(k))

def span(k, fmt="{:,.0f}"):
    v = num(k)
    return f"{fmt.format(statistics.median(v))} [{fmt.format(min(v))}-{fmt.format(max(v))}]"

print()
if "export.clerkctl.users_per_s" in f:
    n = len(f["export.clerkctl.users_per_s"])
    print(f"Export of {users:,} users, median [min-max] of {n} runs; load average {span('export.load1', '{:.1f}')}")
    print()
    print("| | users/s (whole process) | wall time | users/s (in-process) | peak memory (max RSS) |")
    print("|---|---|---|---|---|")
    for tool, label in (("clerkctl", "`clerkctl users export --format ndjson`"),
                        ("python", f"`clerk-backend-api {sdk}` (`users.list`, offset)")):
        rss = max(num(f"export.{tool}.rss_kb")) / 1024
        print(f"| {label} | {span(f'export.{tool}.users_per_s')} | {span(f'export.{tool}.wall_s', '{:.2f} s')} "
              f"| {span(f'export.{tool}.inner_users_per_s')} | {rss:.1f} MiB |")
    ups, rss = med("export.clerkctl.users_per_s"), max(num("export.clerkctl.rss_kb")) / 1024
    ratio = med("export.python.wall_s") / med("export.clerkctl.wall_s")
    print()
    print(f"- ratio: clerkctl {ratio:.1f}x faster (median wall time against median); aim >= 5x: {'met' if ratio >= 5 else 'MISSED'}")
    print(f"- users/s >= 50,000: {'met' if ups >= 50000 else 'MISSED'} ({ups:,.0f})")
    print(f"- peak memory <= 50 MB: {'met' if rss * 1024 * 1024 <= 50e6 else 'MISSED'} ({rss:.1f} MiB, the largest of the runs)")
    print("- both files held every seeded user ID exactly once, in every run, and the same users as JSON")
    print()

jobs = [j for j in ("import", "import_dev", "invitations") if f"{j}.requests" in f]
if jobs:
    print("| job | limit (emulator and client) | rows | requests | elapsed | requests/s | share of the limit: steady (naive) | 429s seen | failed | status | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for j in jobs:
        g = lambda k: f[f"{j}.{k}"][0]
        extra = f" ({g('users_on_instance')} users on the instance)" if f"{j}.users_on_instance" in f else ""
        print(f"| {j} | {g('allowed_per_s')}/s | {g('rows')}{extra} | {g('requests')} | {float(g('elapsed_ms')) / 1000:.1f} s "
              f"| {float(g('requests_per_s')):.2f} | {g('steady_pct')}% ({g('naive_pct')}%) | {g('rate_limited')} | {g('failed')} "
              f"| {g('status')} | {g('load1')}-{g('load1_after')} |")
    print()
    for j in jobs:
        ok = float(f[f"{j}.steady_pct"][0]) >= 95 and f[f"{j}.failed"][0] == "0"
        print(f"- {j}: >= 95% of the allowed rate (steady) with no row failed: {'met' if ok else 'MISSED'}")
PY
