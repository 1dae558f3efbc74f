"""Celery tasks: thin wrappers that take ids and call readiness.snapshots.refresh or the digests.

All are idempotent and acknowledged late: a task lost with a killed worker is
delivered again (after TASK_VISIBILITY_TIMEOUT seconds on Redis), and running it twice
does no harm.
"""

from celery import shared_task

from config.api.idempotency import purge_idempotency_records
from readiness import events, webhooks
from readiness.insights.digests import send_digests
from readiness.snapshots import refresh

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(**TASK_OPTIONS)
def refresh_cloud(cloud_id: int) -> None:
    """Recompute one cloud's snapshots for today, then its findings."""
    refresh.refresh_clouds([cloud_id])


@shared_task(**TASK_OPTIONS)
def sweep_stale_scores() -> None:
    """Each minute: refresh the clouds whose scores or findings lag behind their data."""
    refresh.sweep_stale()


@shared_task(**TASK_OPTIONS)
def recompute_all_scores() -> None:
    """Daily: refresh every cloud, since levels, forecasts and staleness change with the date alone."""
    refresh.refresh_all()


@shared_task(**TASK_OPTIONS)
def send_daily_digests() -> None:
    """Daily: one digest per subscribed program manager and partner user (at most once a day)."""
    send_digests()


@shared_task(**TASK_OPTIONS)
def purge_old_events() -> None:
    """Daily: delete feed events older than EVENT_RETENTION_DAYS, and idempotency records past their time."""
    events.purge_events()
    purge_idempotency_records()


@shared_task(**TASK_OPTIONS)
def send_webhooks() -> None:
    """After each change (and every 30 s for retries): attempt the webhook deliveries that are due."""
    webhooks.send_due()
