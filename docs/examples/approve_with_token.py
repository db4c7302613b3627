"""List an organization's programs and approve the oldest submission waiting for review, with
an API token (docs/api.md, "API tokens"). Standard library only.

    IO_TOKEN=io_… python docs/examples/approve_with_token.py http://127.0.0.1:8000 northwind

The token needs the read-and-write scope and an owner whose role approves content (an org
admin, or a brand manager or approver of the program's brand).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from typing import Any


def call(base: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(  # noqa: S310  (main() allows http(s) only)
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        method="GET" if body is None else "POST",
        headers={
            "Authorization": f"Bearer {os.environ['IO_TOKEN']}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.load(response)


def main(base: str, slug: str) -> None:
    if not base.startswith(("http://", "https://")):
        raise SystemExit("The base address must start with http:// or https://.")
    api = f"/api/v1/orgs/{slug}"
    for program in call(base, f"{api}/programs/?limit=100")["results"]:
        print(f"{program['id']:>6}  {program['state']:<12} {program['name']}")
    waiting = call(base, f"{api}/deliverables/?state=submitted&limit=1")["results"]
    if not waiting:
        print("Nothing waits for review.")
        return
    deliverable = waiting[0]["id"]
    submissions = call(base, f"{api}/submissions/?deliverable={deliverable}&limit=100")["results"]
    latest = max(submissions, key=lambda s: s["version"])
    review = call(
        base, f"{api}/submissions/{latest['id']}/review/", {"outcome": "approved", "comment": ""}
    )
    print(f"Approved submission {latest['id']} (deliverable {deliverable}): {review['outcome']}")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2])
