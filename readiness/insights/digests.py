"""Daily digests: per subscribed program manager and partner user, the new and still-open high
and medium findings of their clouds. At most one per recipient and day, even if the job runs twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clouds.access import managed_clouds, visible_clouds
from clouds.choices import UserRole
from readiness.insights.register import severity_rank
from readiness.insights.registry import digest_sections, title_of
from readiness.models import DigestDelivery, Finding
from readiness.terms import HIGH, MEDIUM

logger = logging.getLogger(__name__)
DIGEST_SEVERITIES = (HIGH, MEDIUM)


def recipients():
    """Active users with the digests flag who are program managers or partner staff."""
    return (get_user_model().objects.filter(is_active=True, profile__receives_digests=True,
                                            profile__role__in=[UserRole.PROGRAM_MANAGER, UserRole.PARTNER_STAFF])
            .exclude(email="").select_related("profile__partner").order_by("pk"))


def clouds_of(user):
    """A program manager's assigned clouds; a partner user's partner's clouds."""
    if user.profile.role == UserRole.PROGRAM_MANAGER and user.profile.partner_id is None:
        return managed_clouds(user)
    return visible_clouds(user)


def compose(user, findings: list[Finding], since: dt.datetime,
            sections: list[tuple[str, list[str]]] = ()) -> tuple[str, str]:
    new = [f for f in findings if f.opened_at >= since]
    still = [f for f in findings if f.opened_at < since]
    subject = f"Readiness digest: {len(new)} new, {len(still)} still open"
    lines = [f"Hello {user.get_full_name() or user.get_username()},", ""]
    for title, section in sections:
        lines += [f"{title} ({len(section)}):", *(f"  {line}" for line in section), ""]
    for title, group in (("New since yesterday", new), ("Still open", still)):
        lines.append(f"{title} ({len(group)}):")
        if not group:
            lines.append("  none")
        for finding in group:
            link = settings.SITE_URL + reverse("readiness:risks") + f"?cloud={finding.cloud.slug}#finding-{finding.pk}"
            title = title_of(finding.rule)
            lines.append(f"  [{finding.severity.upper()}] {finding.cloud.name}: {title}")
            lines.append(f"    {finding.explanation}")
            lines.append(f"    What to do: {finding.recommendation}")
            lines.append(f"    {link}")
        lines.append("")
    lines.append(f"Risk register: {settings.SITE_URL}{reverse('readiness:risks')}")
    lines.append("You receive this because digests are on in your profile.")
    return subject, "\n".join(lines) + "\n"


def send_digests(*, today: dt.date | None = None) -> int:
    """Send today's digests; returns how many went out. Recipients with nothing to report get none."""
    today = today or timezone.localdate()
    since = timezone.now() - dt.timedelta(days=1)
    sent = 0
    for user in recipients():
        clouds = clouds_of(user)
        findings = list(Finding.objects.filter(cloud__in=clouds, resolved_at__isnull=True,
                                               severity__in=DIGEST_SEVERITIES)
                        .select_related("cloud").annotate(rank=severity_rank())
                        .order_by("rank", "cloud__name", "rule"))
        sections = []
        for provide in digest_sections():
            try:
                title, lines = provide(user, clouds, today)
            except Exception:  # one app's section failing must not cost everyone their digest
                logger.exception("Digest section %s failed for %s; sent without it", provide.__qualname__, user)
                continue
            if lines:
                sections.append((title, lines))
        if not findings and not sections:
            continue
        try:
            with transaction.atomic():
                # Claim today's slot first: a second run (or a concurrent one) finds it taken.
                DigestDelivery.objects.create(user=user, day=today, sent_at=timezone.now(),
                                              finding_count=len(findings))
                subject, body = compose(user, findings, since, sections)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except IntegrityError:
            continue  # already sent today
        except Exception:
            logger.exception("Could not send the digest to %s; it will be retried on the next run", user)
            continue
        sent += 1
    return sent
