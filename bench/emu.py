#!/usr/bin/env python3
"""Starts, watches and stops `clerkctl emulator` for the bench scripts.

    bench/emu.py start BIN OUTDIR [emulator flags...]   # prints: PID URL STARTUP_SECONDS
    bench/emu.py mem PID                                # prints: VmRSS_kB VmHWM_kB
    bench/emu.py stop PID                               # SIGTERM, waits for exit

`start` measures from just before exec to the moment the URL line appears on stdout, which the
emulator prints only once the seed (and data file) is loaded and the port is bound, and then
checks that the URL answers `GET /v1/users?limit=1`. The emulator keeps running in the
background, its stderr in OUTDIR/emulator-PID.err.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request

KEY = "sk_test_bench"


def start(binary: str, outdir: str, flags: list[str]) -> None:
    os.makedirs(outdir, exist_ok=True)
    err = open(os.path.join(outdir, "emulator.err"), "ab")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [binary, "emulator", "--port", "0", *flags],
        stdout=subprocess.PIPE,
        stderr=err,
        start_new_session=True,
    )
    line = proc.stdout.readline().decode().strip()
    t1 = time.perf_counter()
    if not line.startswith("http"):
        proc.wait()
        sys.exit(f"emulator did not start (exit {proc.returncode}); see {outdir}/emulator.err")
    # Keep draining stdout so the emulator never blocks on a full pipe; it prints nothing more.
    proc.stdout.close()
    req = urllib.request.Request(line + "/v1/users?limit=1", headers={"Authorization": "Bearer " + KEY})
    with urllib.request.urlopen(req, timeout=30) as r:
        r.read()
    print(proc.pid, line, f"{t1 - t0:.3f}")
    # Leave the child running; the caller stops it with `emu.py stop PID`.
    os._exit(0)


def mem(pid: int) -> None:
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.split()[0] if v.split() else ""
    print(fields["VmRSS"], fields["VmHWM"])


def stop(pid: int) -> None:
    os.kill(pid, signal.SIGTERM)
    for _ in range(600):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        # A zombie of ours: reaped by init once this script exits; check its state.
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split(") ")[1].startswith("Z"):
                    return
        except FileNotFoundError:
            return
        time.sleep(0.1)
    sys.exit(f"emulator {pid} did not stop within 60 s")


def main() -> None:
    cmd = sys.argv[1]
    if cmd == "start":
        start(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif cmd == "mem":
        mem(int(sys.argv[2]))
    elif cmd == "stop":
        stop(int(sys.argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
