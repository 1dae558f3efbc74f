"""Celery tasks: thin wrappers that take ids and call readiness.recompute."""

from celery import shared_task

from readiness import recompute
from readiness.insights.digests import send_digests
from readiness.insights.engine import refresh_findings


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def recompute_cloud(cloud_id: int) -> None:
    """Recompute one cloud's snapshots for today, then its findings (idempotent)."""
    done = recompute.recompute_scores([cloud_id])
    if done:
        refresh_findings(done)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_stale_scores() -> None:
    """Each minute: recompute the clouds whose scores lag behind their data, then their findings."""
    done = recompute.sweep_stale()
    if done:
        refresh_findings(done)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def recompute_all_scores() -> None:
    """Daily: recompute every cloud and every finding, since levels, forecasts and staleness change
    with the date alone."""
    recompute.recompute_all()
    refresh_findings(None)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_daily_digests() -> None:
    """Daily: one digest per subscribed program manager and partner user (at most once a day)."""
    send_digests()
