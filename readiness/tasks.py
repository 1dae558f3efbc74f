"""Celery tasks: thin wrappers that take ids and call readiness.recompute."""

from celery import shared_task

from readiness import recompute


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def recompute_cloud(cloud_id: int) -> None:
    """Recompute one cloud's snapshots for today (idempotent; a missing cloud is a no-op)."""
    recompute.recompute_scores([cloud_id])


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_stale_scores() -> None:
    """Each minute: recompute the clouds whose scores lag behind their data."""
    recompute.sweep_stale()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def recompute_all_scores() -> None:
    """Daily: recompute every cloud, since levels and forecasts change with the date alone."""
    recompute.recompute_all()
