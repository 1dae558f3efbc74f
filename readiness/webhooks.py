"""Webhooks: the events of a partner's clouds pushed to the endpoints it registered.

- Queueing: every recorded event (readiness.events) gets one delivery per active endpoint of a partner
  working on the event's cloud (staff events: the person's employer only), in the event's transaction;
  after commit the sender is enqueued.
- Signing, Standard Webhooks style: headers `webhook-id` (the event id), `webhook-timestamp` (Unix
  seconds) and `webhook-signature: v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>`, where
  the secret is the base64 text after "whsec_". `verify_signature` is the receiver's side.
- Sending: `send_due` claims due deliveries (a compare-and-swap on next_attempt_at, so two workers never
  send one twice), POSTs each, and on failure schedules the next attempt with backoff. An endpoint
  failing for WEBHOOK_DISABLE_AFTER_DAYS is disabled and the people who registered it (or the partner's
  staff) are told by mail. Deliveries that exhaust the backoff are marked failed; any can be redelivered.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clouds.access import partner_id_of
from clouds.models import CloudPartner
from readiness.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger("portal.webhooks")

# Seconds to wait after the 1st, 2nd, ... failure; after the last one the delivery is given up (failed).
BACKOFF = (10, 60, 300, 1800, 7200, 21600, 43200, 86400, 86400, 86400)
LEASE = dt.timedelta(minutes=2)  # a claimed delivery is not claimed again for this long
TIMEOUT_SECONDS = 10
MAX_ENDPOINTS_PER_PARTNER = 10

_enqueue: Callable[[], object] | None = None


def set_sender_enqueuer(enqueue: Callable[[], object]) -> None:
    global _enqueue
    _enqueue = enqueue


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify_signature(secret: str, headers: dict[str, str], body: bytes, *, now: float | None = None,
                     tolerance_seconds: int = 300) -> bool:
    """What a receiver does: recompute the signature and check the timestamp is recent."""
    try:
        message_id, timestamp = headers["webhook-id"], int(headers["webhook-timestamp"])
    except (KeyError, ValueError):
        return False
    now = timezone.now().timestamp() if now is None else now
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = sign(secret, message_id, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in headers.get("webhook-signature", "").split())


def check_url(url: str) -> None:
    """https only (plain http when WEBHOOK_ALLOW_HTTP, for local receivers in development and tests)."""
    if not isinstance(url, str) or not (url.startswith("https://") or (settings.WEBHOOK_ALLOW_HTTP
                                                                       and url.startswith("http://"))):
        allowed = "https" + (" or http" if settings.WEBHOOK_ALLOW_HTTP else "")
        raise ValidationError({"url": [f"Give an {allowed} URL."]})


def register_endpoint(*, partner, url: str, description: str, actor: Any) -> WebhookEndpoint:
    check_url(url)
    if WebhookEndpoint.objects.filter(partner=partner, disabled_at__isnull=True).count() >= MAX_ENDPOINTS_PER_PARTNER:
        raise ValidationError({"url": [f"A partner has at most {MAX_ENDPOINTS_PER_PARTNER} endpoints."]})
    endpoint = WebhookEndpoint(partner=partner, url=url, description=description or "", secret=new_secret(),
                               created_at=timezone.now(), created_by=_user_of(actor),
                               created_by_key=getattr(actor, "audit_name", "") or "")
    endpoint.full_clean(exclude=["created_by", "partner"])
    endpoint.save()
    return endpoint


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send again (a delivered or failed one too), from the next run of the sender."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING, next_attempt_at=timezone.now())
    transaction.on_commit(_wake_sender)
    delivery.refresh_from_db()
    return delivery


# -- queueing (inside the event's transaction) -------------------------------------------------

def queue_deliveries(events: Sequence[Event]) -> None:
    cloud_ids = {event.cloud_id for event in events}
    partners_of: dict[int, set[int]] = {}
    for cloud_id, partner_id in CloudPartner.objects.filter(cloud_id__in=cloud_ids).values_list("cloud_id",
                                                                                                  "partner_id"):
        partners_of.setdefault(cloud_id, set()).add(partner_id)
    endpoints: dict[int, list[int]] = {}
    for pk, partner_id in WebhookEndpoint.objects.filter(
            active=True, disabled_at__isnull=True,
            partner_id__in={p for ps in partners_of.values() for p in ps}).values_list("pk", "partner_id"):
        endpoints.setdefault(partner_id, []).append(pk)
    if not endpoints:
        return
    now = timezone.now()
    rows = []
    for event in events:
        audience = partners_of.get(event.cloud_id, set())
        if event.object_kind == "staff":
            audience = audience & ({event.partner_id} if event.partner_id else set())
        rows += [WebhookDelivery(endpoint_id=endpoint_id, event=event, next_attempt_at=now)
                 for partner_id in sorted(audience) for endpoint_id in endpoints.get(partner_id, ())]
    if rows:
        WebhookDelivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        transaction.on_commit(_wake_sender)


def _wake_sender() -> None:
    if _enqueue is None:
        return
    try:
        _enqueue()
    except Exception:  # the broker is down: the per-minute sweep sends them later
        logger.warning("Could not enqueue the webhook sender; the next sweep sends the deliveries", exc_info=True)


# -- sending ---------------------------------------------------------------------------------------

def send_due(*, now: dt.datetime | None = None, limit: int = 200,
             post: Callable[[str, bytes, dict[str, str]], int] | None = None) -> int:
    """Attempt every due delivery (at most `limit`); returns how many were attempted."""
    now = now or timezone.now()
    post = post or _post
    due = list(WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now,
                                              endpoint__active=True, endpoint__disabled_at__isnull=True)
               .order_by("next_attempt_at", "pk").values_list("pk", "next_attempt_at")[:limit])
    attempted = 0
    for pk, planned in due:
        # Claim it: only the worker whose update matches sends it.
        if not WebhookDelivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING,
                                              next_attempt_at=planned).update(next_attempt_at=now + LEASE):
            continue
        delivery = WebhookDelivery.objects.select_related("endpoint", "event__cloud").get(pk=pk)
        _attempt(delivery, now, post)
        attempted += 1
    return attempted


def payload(event: Event) -> bytes:
    return json.dumps({
        "id": event.pk, "type": event.type, "object_kind": event.object_kind, "object_id": event.object_id,
        "cloud": event.cloud.slug, "occurred_at": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "actor": event.actor, "data": event.data,
    }, sort_keys=True, separators=(",", ":")).encode()


def _attempt(delivery: WebhookDelivery, now: dt.datetime, post) -> None:
    endpoint = delivery.endpoint
    body = payload(delivery.event)
    message_id, timestamp = f"evt_{delivery.event_id}", int(now.timestamp())
    headers = {"content-type": "application/json", "webhook-id": message_id, "webhook-timestamp": str(timestamp),
               "webhook-signature": sign(endpoint.secret, message_id, timestamp, body),
               "user-agent": "readiness-portal-webhooks/1"}
    status_code, error = None, ""
    try:
        status_code = post(endpoint.url, body, headers)
    except Exception as exc:  # network errors, timeouts, bad TLS: the endpoint's problem, retried
        error = f"{exc.__class__.__name__}: {exc}"[:1000]
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = status_code
    if status_code is not None and 200 <= status_code < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at, delivery.last_error = (
            DeliveryStatus.DELIVERED, now, None, "")
        delivery.save()
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        return
    delivery.last_error = error or f"HTTP {status_code}"
    if delivery.attempts > len(BACKOFF):
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.next_attempt_at = now + dt.timedelta(seconds=BACKOFF[delivery.attempts - 1])
    delivery.save()
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
    endpoint.refresh_from_db(fields=["failing_since"])
    if endpoint.failing_since and now - endpoint.failing_since >= dt.timedelta(
            days=settings.WEBHOOK_DISABLE_AFTER_DAYS):
        _disable(endpoint, now)


def _disable(endpoint: WebhookEndpoint, now: dt.datetime) -> None:
    reason = (f"Every delivery failed for {settings.WEBHOOK_DISABLE_AFTER_DAYS} days (last: "
              f"{endpoint.deliveries.order_by('-last_attempt_at').values_list('last_error', flat=True).first()}).")
    if not WebhookEndpoint.objects.filter(pk=endpoint.pk, disabled_at__isnull=True).update(
            active=False, disabled_at=now, disabled_reason=reason):
        return
    recipients = ([endpoint.created_by.email] if endpoint.created_by and endpoint.created_by.email else
                  list(get_user_model().objects.filter(profile__partner=endpoint.partner, is_active=True)
                       .exclude(email="").values_list("email", flat=True)))
    if recipients:
        send_mail(f"Webhook endpoint disabled: {endpoint.url}",
                  f"The readiness portal disabled the webhook endpoint {endpoint.url} of {endpoint.partner.name}.\n"
                  f"{reason}\nFix the receiver, then enable it again in the admin or re-register it; events "
                  "missed meanwhile can be read from the feed (GET /api/v1/events/) or redelivered.\n",
                  settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)
    logger.warning("Webhook endpoint %s of %s disabled: %s", endpoint.url, endpoint.partner.slug, reason)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _user_of(actor: Any):
    return actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None


def endpoints_of(user) -> Any:
    """The endpoints a user or key may manage: their own partner's."""
    partner_id = partner_id_of(user)
    return WebhookEndpoint.objects.filter(Q(partner_id=partner_id) if partner_id else Q(pk__in=[]))
