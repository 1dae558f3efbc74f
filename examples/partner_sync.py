"""A partner tool's sync loop: mirror your clouds' checklist items incrementally, push a change.

    python examples/partner_sync.py --url http://127.0.0.1:8000 --key "$PORTAL_KEY" [--set-status ITEM_ID done]

Standard library only. The mirror (a JSON file) remembers the newest `updated_at` it has seen;
each run asks for items changed since then, minus a safety margin (a change committed a moment
after a newer one could otherwise be skipped), and keeps the highest version of each item.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

SAFETY_MARGIN = dt.timedelta(minutes=2)


def call(method: str, url: str, key: str, body: dict | None = None, headers: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Api-Key {key}", "Accept": "application/json",
        **({"Content-Type": "application/json"} if data else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.load(error)


def sync(base: str, key: str, mirror: dict) -> int:
    """Fetch every item changed since the last sync; returns how many rows arrived."""
    query = {"page_size": 500}
    if mirror.get("newest"):
        since = dt.datetime.fromisoformat(mirror["newest"]) - SAFETY_MARGIN
        query["updated_since"] = since.isoformat()
    url = f"{base}/api/v1/items/?{urllib.parse.urlencode(query)}"
    received = 0
    while url:
        status, _, page = call("GET", url, key)
        if status != 200:
            sys.exit(f"sync failed: {status} {page}")
        for item in page["results"]:
            known = mirror["items"].get(str(item["id"]))
            if known is None or known["version"] <= item["version"]:
                mirror["items"][str(item["id"])] = item
            stamp = item["updated_at"].replace("Z", "+00:00")
            if not mirror.get("newest") or stamp > mirror["newest"]:
                mirror["newest"] = stamp
            received += 1
        url = page["next"]
    return received


def set_status(base: str, key: str, item_id: int, status: str) -> None:
    """Change one item with If-Match; on 412 someone else changed it first, so read and retry once."""
    url = f"{base}/api/v1/items/{item_id}/"
    code, headers, item = call("GET", url, key)
    if code != 200:
        sys.exit(f"cannot read item {item_id}: {code} {item}")
    for _ in range(2):
        code, headers, body = call("PATCH", url, key, {"status": status}, {"If-Match": headers["ETag"]})
        if code == 200:
            print(f"item {item_id} is now {body['status']} (version {body['version']})")
            return
        if code != 412:
            sys.exit(f"change refused: {code} {body}")
        print(f"item {item_id} changed meanwhile (now version {body['version']}); retrying on top of it")
    sys.exit("gave up after a second conflict")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True)
    parser.add_argument("--mirror", default="partner-mirror.json", type=Path)
    parser.add_argument("--set-status", nargs=2, metavar=("ITEM_ID", "STATUS"))
    args = parser.parse_args()
    base = args.url.rstrip("/")
    mirror = json.loads(args.mirror.read_text()) if args.mirror.exists() else {"newest": None, "items": {}}
    received = sync(base, args.key, mirror)
    print(f"received {received} changed item(s); mirror holds {len(mirror['items'])}")
    if args.set_status:
        set_status(base, args.key, int(args.set_status[0]), args.set_status[1])
        sync(base, args.key, mirror)
    args.mirror.write_text(json.dumps(mirror, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
