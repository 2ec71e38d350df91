#!/usr/bin/env bash
# The CLI benchmark (issue 3, "Performance"): `clerkctl users get ID` against a local emulator,
# side by side in one hyperfine run with the same call made through Clerk's official Python SDK
# (clerk-backend-api, at the version interop/python/requirements.txt pins). Reports the median
# wall time of each, their ratio, clerkctl's binary size and the peak memory of each.
#
#   bench/cli.sh            # prints the figures; BENCH_RUNS=300 for more runs
#
# Builds clerkctl in release mode, installs hyperfine and GNU time with apt-get when they are
# missing (as root; this is not run in CI), makes the Python virtualenv interop/run uses
# (interop/.venv), starts `clerkctl emulator` on a free loopback port with one seeded user, and
# stops it at the end. Results are kept in bench/out/cli/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${BENCH_RUNS:-200}"
out="$root/bench/out/cli"
mkdir -p "$out"

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

install() {
    command -v apt-get >/dev/null || die "$1 is missing; install it ($2)"
    [ "$(id -u)" = 0 ] || die "$1 is missing; install it: sudo apt-get install $2"
    log "installing $2 with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
command -v hyperfine >/dev/null || install hyperfine hyperfine
[ -x /usr/bin/time ] || install /usr/bin/time time

log "building clerkctl (release)"
cargo build --release --locked -p clerkctl >&2
bin="$root/target/release/clerkctl"

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

# An emulator with one user, on a free port; its first stdout line is its URL. No limits: the
# benchmark measures the CLI, not pacing.
"$bin" emulator --port 0 --no-limits --seed "$root/bench/cli_seed.json" >"$out/emulator.url" 2>"$out/emulator.log" &
emulator=$!
trap 'kill "$emulator" 2>/dev/null; wait "$emulator" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    [ -s "$out/emulator.url" ] && break
    sleep 0.05
done
url="$(head -n 1 "$out/emulator.url")"
[ -n "$url" ] || die "the emulator did not start: $(cat "$out/emulator.log")"

export CLERK_API_URL="$url" CLERK_SECRET_KEY=sk_test_benchmark
export HOME="$out/home" XDG_STATE_HOME="$out/home/state" XDG_DATA_HOME="$out/home/data"
clerkctl_cmd="$bin users get user_bench"
python_cmd="$python $root/bench/cli_get_user.py user_bench"
# Both must print the user before their times mean anything.
$clerkctl_cmd | grep -q '"id":"user_bench"' || die "clerkctl users get failed"
$python_cmd | grep -q '"id":"user_bench"' || die "the Python SDK script failed"

log "timing $runs runs of each"
hyperfine --shell=none --warmup 20 --runs "$runs" --export-json "$out/hyperfine.json" \
    --command-name "clerkctl users get" "$clerkctl_cmd" \
    --command-name "clerk-backend-api $sdk_version" "$python_cmd" >&2

# Peak memory: the largest maximum resident set size over five runs of each.
peak() {
    local max=0 kb
    for _ in 1 2 3 4 5; do
        kb="$(/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')"
        [ "$kb" -gt "$max" ] && max="$kb"
    done
    echo "$max"
}
# shellcheck disable=SC2086
clerkctl_kb="$(peak $clerkctl_cmd)"
# shellcheck disable=SC2086
python_kb="$(peak $python_cmd)"
size="$(stat -c %s "$bin")"

"$python" - "$out/hyperfine.json" "$size" "$clerkctl_kb" "$python_kb" "$sdk_version" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
size, clerkctl_kb, python_kb, sdk = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rust, py = results[0]["median"] * 1000, results[1]["median"] * 1000
print("| | median wall time | mean ± σ | peak memory (max RSS) |")
print("|---|---|---|---|")
for r, kb in zip(results, (clerkctl_kb, python_kb)):
    print(f"| `{r['command']}` | {r['median'] * 1000:.1f} ms | {r['mean'] * 1000:.1f} ± {r['stddev'] * 1000:.1f} ms | {kb / 1024:.1f} MiB |")
print()
print(f"clerkctl is {py / rust:.1f}x faster (median); target: median <= 10 ms: {'met' if rust <= 10 else 'MISSED'}")
print(f"clerkctl binary: {size / 1024 / 1024:.1f} MiB ({size} bytes, release, stripped)")
PY
