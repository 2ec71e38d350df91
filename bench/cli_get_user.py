"""The Python side of bench/cli.sh: `clerkctl users get ID`, done with Clerk's official Python
SDK (clerk-backend-api): one process that reads the key and URL from the environment, fetches
the user and prints it as JSON, as clerkctl does."""

import os
import sys

from clerk_backend_api import Clerk

with Clerk(
    bearer_auth=os.environ["CLERK_SECRET_KEY"],
    server_url=os.environ["CLERK_API_URL"].rstrip("/") + "/v1",
) as clerk:
    user = clerk.users.get(user_id=sys.argv[1])
    print(user.model_dump_json(by_alias=True))
