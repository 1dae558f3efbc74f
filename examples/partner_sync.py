"""A partner tool's sync loop: mirror your clouds' checklist items, push a change, receive webhooks.

    python examples/partner_sync.py --url http://127.0.0.1:8000 --key "$PORTAL_KEY" [--set-status ITEM_ID done]
    python examples/partner_sync.py --key "$PORTAL_KEY" --follow          # the event feed instead
    python examples/partner_sync.py --key "$PORTAL_KEY" --receive 9000 --secret whsec_...  # webhooks

Standard library only. Two ways to keep the mirror (a JSON file) true:
- `sync`: items changed since the newest `updated_at` seen, minus a safety margin (a change
  committed a moment after a newer one could otherwise be skipped), keeping the highest version;
- `follow`: the event feed from the last event id seen: each item event reads the item again,
  item.retired drops it (its replacement arrives as item.created), and a 410 means resync.
`receive` serves an endpoint that verifies each webhook's signature before trusting it.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
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


def follow(base: str, key: str, mirror: dict) -> int:
    """Apply the event feed since the last event seen; returns how many events arrived."""
    applied = 0
    while True:
        status, _, page = call("GET", f"{base}/api/v1/events/?after={mirror.get('after', 0)}&limit=500", key)
        if status == 410:  # fell behind the retention: resync from the list, then follow from where it says
            mirror["items"], mirror["newest"] = {}, None
            sync(base, key, mirror)
            mirror["after"] = page["resume_after"]
            continue
        if status != 200:
            sys.exit(f"follow failed: {status} {page}")
        for event in page["events"]:
            if event["object_kind"] == "item":
                if event["type"] == "item.retired":
                    mirror["items"].pop(event["object_id"], None)
                else:
                    code, _, item = call("GET", f"{base}/api/v1/items/{event['object_id']}/", key)
                    if code == 200:
                        mirror["items"][event["object_id"]] = item
            applied += 1
        mirror["after"] = page["next_after"]
        if not page["has_more"]:
            return applied


def verify(secret: str, headers, body: bytes, tolerance: int = 300) -> bool:
    """Standard Webhooks: HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>", keyed with the
    base64 secret after whsec_; the timestamp must be recent."""
    try:
        message_id, stamp = headers["webhook-id"], int(headers["webhook-timestamp"])
    except (KeyError, TypeError, ValueError):
        return False
    if abs(time.time() - stamp) > tolerance:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = "v1," + base64.b64encode(hmac.new(key, f"{message_id}.{stamp}.".encode() + body,
                                                 hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, given) for given in headers.get("webhook-signature", "").split())


def receiver(port: int, secret: str, handle) -> HTTPServer:
    """An HTTP server on 127.0.0.1:`port` calling handle(event) for each delivery whose signature holds."""
    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            if not verify(secret, self.headers, body):
                self.send_response(401)
            else:
                handle(json.loads(body))
                self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    return HTTPServer(("127.0.0.1", port), Hook)


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
        changed = ", ".join(body["changed_fields"]) or "unknown fields"
        print(f"item {item_id} changed meanwhile ({changed}; now version {body['current']['version']}); "
              "retrying on top of it")
    sys.exit("gave up after a second conflict")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True)
    parser.add_argument("--mirror", default="partner-mirror.json", type=Path)
    parser.add_argument("--set-status", nargs=2, metavar=("ITEM_ID", "STATUS"))
    parser.add_argument("--follow", action="store_true", help="keep the mirror with the event feed")
    parser.add_argument("--receive", type=int, metavar="PORT", help="serve a webhook endpoint on this port")
    parser.add_argument("--secret", help="the endpoint's secret (whsec_...), shown when it was registered")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    if args.receive:
        if not args.secret:
            sys.exit("--receive needs --secret")
        print(f"listening on http://127.0.0.1:{args.receive}/ for signed deliveries")
        receiver(args.receive, args.secret, lambda event: print(json.dumps(event))).serve_forever()
    mirror = json.loads(args.mirror.read_text()) if args.mirror.exists() else {"newest": None, "items": {}}
    if args.follow:
        if "after" not in mirror:  # start from a full read, then follow from the newest event
            sync(base, args.key, mirror)
            mirror["after"] = 0
        received = follow(base, args.key, mirror)
        print(f"applied {received} event(s); mirror holds {len(mirror['items'])}")
    else:
        received = sync(base, args.key, mirror)
        print(f"received {received} changed item(s); mirror holds {len(mirror['items'])}")
    if args.set_status:
        set_status(base, args.key, int(args.set_status[0]), args.set_status[1])
        sync(base, args.key, mirror)
    args.mirror.write_text(json.dumps(mirror, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
