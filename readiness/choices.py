from django.db import models

from clouds.choices import ChangeSource

__all__ = ["OPEN_STATUSES", "ChangeSource", "ItemStatus", "Level", "Pillar", "SnapshotScope"]


class Pillar(models.TextChoices):
    PEOPLE = "people", "People"
    PROCESS = "process", "Process"
    TECHNOLOGY = "technology", "Technology"


class SnapshotScope(models.TextChoices):
    """What a score snapshot row covers: one pillar, or the cloud overall."""

    PEOPLE = "people", "People"
    PROCESS = "process", "Process"
    TECHNOLOGY = "technology", "Technology"
    OVERALL = "overall", "Overall"


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


OPEN_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.BLOCKED)


class Level(models.TextChoices):
    READY = "ready", "Ready"
    AT_RISK = "at_risk", "At risk"
    NOT_READY = "not_ready", "Not ready"


