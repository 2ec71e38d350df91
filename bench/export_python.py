"""The Python side of the export benchmark in bench/bulk.sh: every user of an instance, paged
through with Clerk's official Python SDK (clerk-backend-api) and written as ndjson, one user a
line, as `clerkctl users export --format ndjson --out FILE` does.

    CLERK_SECRET_KEY=sk_test_... CLERK_API_URL=http://127.0.0.1:PORT \
        interop/.venv/bin/python bench/export_python.py OUT_FILE [LIMIT]

The SDK's `users.list` pages by `limit` and `offset` only (it has no `starting_after`), so that
is what it uses, 500 users a page (Clerk's largest), until a short page. Each user is written as
`model_dump_json(by_alias=True)`, the SDK's own serialization of what it parsed. On stderr:
`USERS SECONDS USERS_PER_S` measured inside the script, after the imports and the client's
construction (bench/bulk.sh times the whole process as well).
"""

import os
import sys
import time

from clerk_backend_api import Clerk


def main() -> None:
    out = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    n = 0
    with Clerk(
        bearer_auth=os.environ["CLERK_SECRET_KEY"],
        server_url=os.environ["CLERK_API_URL"].rstrip("/") + "/v1",
    ) as clerk, open(out, "w", encoding="utf-8") as f:
        t0 = time.perf_counter()
        while True:
            page = clerk.users.list(request={"limit": limit, "offset": n})
            for user in page:
                f.write(user.model_dump_json(by_alias=True))
                f.write("\n")
            n += len(page)
            if len(page) < limit:
                break
        elapsed = time.perf_counter() - t0
    print(n, f"{elapsed:.3f}", f"{n / elapsed:.0f}", file=sys.stderr)


if __name__ == "__main__":
    main()
