"""Celery tasks of people/: thin, idempotent."""

from celery import shared_task

from people.privacy import erase_removed_people
from people.services import apply_staffing_checks

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(**TASK_OPTIONS)
def apply_staffing_checks_daily() -> None:
    """Daily: coverage changes with the date alone (screenings expire), so the checked items follow."""
    apply_staffing_checks()


@shared_task(**TASK_OPTIONS)
def apply_staffing_checks_for(cloud_ids: list[int]) -> None:
    """After a change to people or requirements: the clouds' automatic items follow at once."""
    apply_staffing_checks(cloud_ids)


@shared_task(**TASK_OPTIONS)
def erase_removed_people_daily() -> None:
    """Daily: erase the names of people removed more than PEOPLE_RETENTION_DAYS ago."""
    erase_removed_people()
