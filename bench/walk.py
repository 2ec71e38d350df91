#!/usr/bin/env python3
"""Walks every user of an emulator with GET /v1/users?limit=500, one request at a time, as an
export would, and reports users/s. Checks that the walk returns every ID of the ID file once.

    bench/walk.py URL IDS_FILE cursor|offset [LIMIT]      # prints: USERS SECONDS USERS_PER_S

The client does no JSON parsing of whole pages (that would measure Python, not the server): it
counts users and finds the last ID by scanning the body for `{"object":"user","id":"`.
"""

import http.client
import sys
import time
import urllib.parse

MARK = b'{"object":"user","id":"'


def main() -> None:
    url, ids_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else 500
    expected = open(ids_path).read().split()
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    headers = {"Authorization": "Bearer sk_test_bench"}
    seen = []
    cursor = None
    t0 = time.perf_counter()
    while True:
        path = f"/v1/users?limit={limit}"
        if mode == "cursor" and cursor:
            path += f"&starting_after={cursor}"
        elif mode == "offset":
            path += f"&offset={len(seen)}"
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            sys.exit(f"{path}: {r.status} {body[:300]!r}")
        n = body.count(MARK)
        if n == 0:
            break
        start = body.rfind(MARK) + len(MARK)
        cursor = body[start:body.index(b'"', start)].decode()
        # Every ID, for the completeness check (cheap next to the request).
        pos = 0
        for _ in range(n):
            pos = body.index(MARK, pos) + len(MARK)
            seen.append(body[pos:body.index(b'"', pos)].decode())
        if n < limit:
            break
    elapsed = time.perf_counter() - t0
    if seen != expected[::-1]:
        sys.exit(f"walk returned {len(seen)} users, not the {len(expected)} of {ids_path} newest first")
    print(len(seen), f"{elapsed:.3f}", f"{len(seen) / elapsed:.0f}")


if __name__ == "__main__":
    main()
