"""Labelled choices of launch governance; the values come from launches.terms."""

from django.db import models

from launches import terms


class Outcome(models.TextChoices):
    GO = terms.GO, "Go"
    GO_WITH_CONDITIONS = terms.GO_WITH_CONDITIONS, "Go with conditions"
    NO_GO = terms.NO_GO, "No-go"
    POSTPONED = terms.POSTPONED, "Postponed"


class GateState(models.TextChoices):
    UPCOMING = terms.UPCOMING, "Upcoming"
    DUE = terms.DUE, "Due"
    DECIDED = terms.DECIDED, "Decided"
    OVERDUE = terms.OVERDUE, "Overdue"
    NO_DAY1 = terms.NO_DAY1, "No Day 1 set"
    NOT_RECORDED = terms.NOT_RECORDED, "Not recorded"


class Criterion(models.TextChoices):
    MIN_SCORE = terms.MIN_SCORE, "Minimum overall score"
    NO_OPEN_GATING = terms.NO_OPEN_GATING, "No open gating items"
    STAFFING_MET = terms.STAFFING_MET, "Staffing coverage met"
    OPERATIONS_NOT_CRITICAL = terms.OPERATIONS_NOT_CRITICAL, "Operations health not critical"
