"""Labelled choices for forms, pages and the database; the values come from readiness.terms."""

from django.db import models

from clouds.choices import ChangeSource
from readiness import scoring, terms
from readiness.terms import OPEN_STATUSES, SEVERITIES, SEVERITY_ORDER

__all__ = ["OPEN_STATUSES", "SEVERITIES", "SEVERITY_ORDER", "ChangeSource", "FindingSeverity", "ItemStatus",
           "Level", "Pillar", "SnapshotScope", "WaiverState"]


class Pillar(models.TextChoices):
    PEOPLE = terms.PEOPLE, "People"
    PROCESS = terms.PROCESS, "Process"
    TECHNOLOGY = terms.TECHNOLOGY, "Technology"


class SnapshotScope(models.TextChoices):
    """What a score snapshot row covers: one pillar, or the cloud overall."""

    PEOPLE = terms.PEOPLE, "People"
    PROCESS = terms.PROCESS, "Process"
    TECHNOLOGY = terms.TECHNOLOGY, "Technology"
    OVERALL = "overall", "Overall"


class ItemStatus(models.TextChoices):
    NOT_STARTED = terms.NOT_STARTED, "Not started"
    IN_PROGRESS = terms.IN_PROGRESS, "In progress"
    BLOCKED = terms.BLOCKED, "Blocked"
    DONE = terms.DONE, "Done"
    NOT_APPLICABLE = terms.NOT_APPLICABLE, "Not applicable"


class Level(models.TextChoices):
    READY = scoring.READY, "Ready"
    AT_RISK = scoring.AT_RISK, "At risk"
    NOT_READY = scoring.NOT_READY, "Not ready"


class FindingSeverity(models.TextChoices):
    HIGH = terms.HIGH, "High"
    MEDIUM = terms.MEDIUM, "Medium"
    LOW = terms.LOW, "Low"


class WaiverState(models.TextChoices):
    """A waiver's decision state; whether an approved one is still in force depends on the day."""

    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
