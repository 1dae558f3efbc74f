"""Celery tasks of people/: thin, idempotent."""

from celery import shared_task

from people.services import apply_staffing_checks

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(**TASK_OPTIONS)
def apply_staffing_checks_daily() -> None:
    """Daily: coverage changes with the date alone (screenings expire), so the checked items follow."""
    apply_staffing_checks()
