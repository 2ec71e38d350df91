"""The Python side of bench/network.sh's create benchmark: one create-user request after another
with Clerk's official Python SDK (clerk-backend-api), as Clerk's migration script does, from the
same ndjson rows `clerkctl users import` reads.

    CLERK_SECRET_KEY=sk_test_... CLERK_API_URL=http://127.0.0.1:PORT \
        interop/.venv/bin/python bench/import_python.py ROWS_FILE

On stderr: `REQUESTS SECONDS REQUESTS_PER_S RATE_LIMITED`, measured inside the script after the
imports and the client's construction. A 429 is waited out (its Retry-After) and the row sent
again, as the migration script's users are told to do; the SDK itself does not retry a 429 on
a create.
"""

import json
import os
import sys
import time

from clerk_backend_api import Clerk
from clerk_backend_api.models import ClerkErrors


def main() -> None:
    rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
    requests = limited = 0
    with Clerk(
        bearer_auth=os.environ["CLERK_SECRET_KEY"],
        server_url=os.environ["CLERK_API_URL"].rstrip("/") + "/v1",
    ) as clerk:
        t0 = time.perf_counter()
        for row in rows:
            while True:
                requests += 1
                try:
                    clerk.users.create(
                        email_address=[row["email_address"]],
                        first_name=row["first_name"],
                        last_name=row["last_name"],
                        external_id=row["external_id"],
                    )
                    break
                except ClerkErrors as e:
                    if e.raw_response.status_code != 429:
                        raise
                    limited += 1
                    time.sleep(float(e.raw_response.headers.get("retry-after", "1")))
        elapsed = time.perf_counter() - t0
    print(requests, f"{elapsed:.3f}", f"{requests / elapsed:.2f}", limited, file=sys.stderr)


if __name__ == "__main__":
    main()
