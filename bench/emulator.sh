#!/usr/bin/env bash
# Benchmarks `clerkctl emulator` against the performance targets of its issue (see BENCHMARKS.md):
# seeding 100,000 users, GET /v1/users/{id} requests/s, GET /v1/users?limit=500 users/s, and
# resident memory with 100,000 users, in memory and with --data (SQLite).
#
#   bench/emulator.sh                  # everything, 3 repeats, medians at the end
#   REPEAT=5 DURATION=10 bench/emulator.sh
#   USERS=10000 bench/emulator.sh      # a quick run on a smaller instance
#
# Needs wrk and python3; installs wrk (Debian) when it is missing. Raw figures go to
# bench/out/results-<time>.tsv, a summary (median, min, max per figure) to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${USERS:-100000}
REPEAT=${REPEAT:-3}
DURATION=${DURATION:-10}     # seconds of each wrk run
CONNS=${CONNS:-"8 32 128"}   # wrk connection counts for GET /users/{id}
LIST_CONNS=${LIST_CONNS:-8}  # wrk connections for the list pages
THREADS=${THREADS:-2}        # wrk threads: one per core
OUT=bench/out
BIN=target/release/clerkctl

if ! command -v wrk >/dev/null; then
    echo "installing wrk" >&2
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

mkdir -p "$OUT"
echo "building $BIN" >&2
cargo build --release --locked -p clerkctl >&2

SEED=$OUT/seed-$USERS.json
IDS=$OUT/ids-$USERS.txt
if [[ ! -s $SEED || ! -s $IDS || bench/gen_seed.py -nt $SEED ]]; then
    python3 bench/gen_seed.py --users "$USERS" --out "$SEED" --ids "$IDS"
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$OUT/results-$STAMP.tsv
: >"$RESULTS"
record() { printf '%s\t%s\n' "$1" "$2" | tee -a "$RESULTS" >&2; }

PID=""
cleanup() { [[ -n $PID ]] && python3 bench/emu.py stop "$PID" 2>/dev/null || true; }
trap cleanup EXIT

# start NAME FLAGS...: starts an emulator, records its start time and memory; sets PID and URL.
# A load test: none of Clerk's limits (--no-limits), which wrk would hit at once.
start() {
    local name=$1
    shift
    local t
    read -r PID URL t < <(python3 bench/emu.py start "$BIN" "$OUT" --no-limits "$@")
    record "$name.start_s" "$t"
    mem "$name.idle"
}
stop() { python3 bench/emu.py stop "$PID"; PID=""; }
mem() {
    local rss hwm
    read -r rss hwm < <(python3 bench/emu.py mem "$PID")
    record "$1.rss_mb" "$((rss / 1024))"
    record "$1.hwm_mb" "$((hwm / 1024))"
}
# wrk_rps NAME SCRIPT CONNS [ENV...]: one wrk run; records requests/s.
wrk_rps() {
    local name=$1 script=$2 conns=$3
    shift 3
    local out
    out=$(env IDS="$IDS" "$@" wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" -s "$script" "$URL" 2>&1)
    if ! grep -q 'non-2xx: 0$' <<<"$out"; then
        echo "$out" >&2
        echo "wrk $name: some answers were not 2xx" >&2
        exit 1
    fi
    record "$name" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
}

{
    echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates || echo '+dirty')"
    echo "# nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); $(free -m | awk '/Mem:/ {print $2}') MB RAM"
    echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$RESULTS" >&2

for i in $(seq "$REPEAT"); do
    echo "== repeat $i of $REPEAT" >&2
    record load1 "$(cut -d' ' -f1 /proc/loadavg)"

    # 1. Seeding, and memory with USERS users. Start time is exec to the base URL on stdout,
    # which the emulator prints only after the seed (and data file) is loaded.
    start seed.memory --seed "$SEED"

    # 2. GET /v1/users/{id}, random IDs.
    for c in $CONNS; do
        wrk_rps "get_user.memory.c$c.rps" bench/get_user.lua "$c"
    done
    # 3. GET /v1/users?limit=500 over the whole list: one sequential client, then wrk.
    for mode in cursor offset; do
        read -r n secs ups < <(python3 bench/walk.py "$URL" "$IDS" "$mode")
        record "walk.$mode.memory.users_per_s" "$ups"
        wrk_rps "list.$mode.memory.c$LIST_CONNS.pages_per_s" bench/list_pages.lua "$LIST_CONNS" MODE="$mode"
    done
    mem seed.memory.after_reads
    stop

    # The same instance in SQLite: first load of a new file, then a restart on it.
    DB=$OUT/bench-$STAMP.db
    rm -f "$DB" "$DB"-wal "$DB"-shm
    start seed.sqlite_first --seed "$SEED" --data "$DB"
    stop
    start seed.sqlite_restart --seed "$SEED" --data "$DB"
    wrk_rps "get_user.sqlite.c32.rps" bench/get_user.lua 32
    wrk_rps "list.cursor.sqlite.c$LIST_CONNS.pages_per_s" bench/list_pages.lua "$LIST_CONNS" MODE=cursor
    mem seed.sqlite_restart.after_reads
    # Creating users through the API, on top of the seeded instance.
    wrk_rps "post_user.sqlite.c8.rps" bench/post_user.lua 8 RUN="s$i$STAMP"
    stop
    rm -f "$DB" "$DB"-wal "$DB"-shm

    start create.memory
    wrk_rps "post_user.memory.c8.rps" bench/post_user.lua 8 RUN="m$i$STAMP"
    stop
done

echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS" >&2

# Summary: median (min-max) of each figure, users/s for the list pages.
python3 - "$RESULTS" "$USERS" <<'EOF'
import statistics, sys
from collections import OrderedDict
figures = OrderedDict()
for line in open(sys.argv[1]):
    if line.startswith("#"):
        print(line.rstrip())
        continue
    name, value = line.split("\t")
    figures.setdefault(name, []).append(float(value))
for name, values in list(figures.items()):
    if name.endswith(".pages_per_s"):
        figures[name.replace(".pages_per_s", ".users_per_s")] = [v * 500 for v in values]
print(f"{'figure':<48} {'median':>12} {'min':>12} {'max':>12}  n")
for name, values in figures.items():
    print(f"{name:<48} {statistics.median(values):>12.3f} {min(values):>12.3f} {max(values):>12.3f}  {len(values)}")
EOF
