"""Launch governance: the gates of a launch, recorded decisions with frozen evidence and their
conditions, and the history of Day-1 changes. Written only through launches.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from clouds.models import Cloud
from launches.choices import Outcome
from readiness.models import Framework

GATE_CODE_REGEX = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
SHA256_REGEX = r"^[0-9a-f]{64}$"


class Gate(models.Model):
    """A decision point of a launch, defined by a framework version (its `gates` section)."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="gates")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=120)
    offset_days = models.SmallIntegerField(help_text="Days from Day 1: -30 is thirty days before.")
    position = models.PositiveSmallIntegerField()
    min_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True,
                                    help_text="Minimum overall score; empty when the gate does not ask for one.")
    no_open_gating = models.BooleanField(default=False)
    staffing_met = models.BooleanField(default=False)
    operations_not_critical = models.BooleanField(default=False)

    class Meta:
        ordering = ["framework", "offset_days", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="gate_code_unique"),
            models.CheckConstraint(condition=Q(code__regex=GATE_CODE_REGEX), name="gate_code_format"),
            models.CheckConstraint(condition=Q(offset_days__gte=-730) & Q(offset_days__lte=365),
                                   name="gate_offset_range"),
            models.CheckConstraint(condition=Q(min_score__isnull=True) | (Q(min_score__gte=0) & Q(min_score__lte=100)),
                                   name="gate_min_score_0_100"),
            models.CheckConstraint(
                condition=Q(min_score__isnull=False) | Q(no_open_gating=True) | Q(staffing_met=True)
                | Q(operations_not_critical=True),
                name="gate_has_a_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (Day 1 {self.offset_days:+d})"


class DecisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Decisions are never edited; record a new decision that supersedes this one.")


class Decision(models.Model):
    """An outcome recorded at a gate, with the evidence frozen at save time (canonical JSON and its
    SHA-256). Never edited or deleted: a later decision at the same gate supersedes it."""

    # Deleting a cloud (the admin's "remove everything of it") takes its decisions too; a cloud that is
    # no longer run is retired instead, which keeps them.
    cloud = models.ForeignKey(Cloud, on_delete=models.CASCADE, related_name="decisions")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+",
                                  help_text="The framework version the cloud was on.")
    gate_code = models.CharField(max_length=40)
    gate_name = models.CharField(max_length=120)
    gate_due_on = models.DateField(null=True, blank=True, help_text="The gate's date when the decision was taken.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", help_text="Who recorded it.")
    decided_by_name = models.CharField(max_length=200, help_text="Who decided, as recorded.")
    attendees = models.TextField(help_text="Who attended, one per line.")
    rationale = models.TextField()
    decided_at = models.DateTimeField()
    decided_on = models.DateField()
    evidence = models.TextField(help_text="Canonical JSON of the evidence at decision time; never rewritten.")
    evidence_sha256 = models.CharField(max_length=64)
    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["cloud__name", "-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="decision_outcome_valid"),
            models.CheckConstraint(condition=~Q(rationale="") & ~Q(decided_by_name=""),
                                   name="decision_rationale_and_decider"),
            models.CheckConstraint(condition=Q(evidence_sha256__regex=SHA256_REGEX), name="decision_sha256_format"),
            models.CheckConstraint(condition=Q(gate_code__regex=GATE_CODE_REGEX), name="decision_gate_code_format"),
        ]
        indexes = [models.Index(fields=["cloud", "gate_code", "decided_at"], name="decision_cloud_gate")]

    def __str__(self) -> str:
        return f"{self.cloud} {self.gate_name}: {self.get_outcome_display()} on {self.decided_on}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("Decisions are never edited; record a new decision that supersedes this one.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("launches:decision", kwargs={"pk": self.pk})

    def delete(self, *args, **kwargs):
        raise TypeError("Decisions are kept for the audit; they cannot be deleted.")

    @property
    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class DecisionCondition(models.Model):
    """A condition attached to a decision: an owner and a due date, tracked until done."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="conditions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="launch_conditions")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    done_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "decision", "position"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "position"], name="condition_position_unique"),
            models.CheckConstraint(condition=~Q(text=""), name="condition_text_required"),
            models.CheckConstraint(condition=Q(done_at__isnull=True) | ~Q(done_note=""),
                                   name="condition_done_has_note"),
        ]

    def __str__(self) -> str:
        return f"{self.text[:60]} (due {self.due_on})"

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class Day1Change(models.Model):
    """One change of a cloud's Day 1, with its reason: the slip history."""

    cloud = models.ForeignKey(Cloud, on_delete=models.CASCADE, related_name="day1_changes")
    previous_day1 = models.DateField(null=True, blank=True)
    new_day1 = models.DateField(null=True, blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["cloud", "changed_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="day1_change_reason_required"),
            models.CheckConstraint(condition=~Q(previous_day1=models.F("new_day1"))
                                   | Q(previous_day1__isnull=True) | Q(new_day1__isnull=True),
                                   name="day1_change_changes_something"),
        ]

    def __str__(self) -> str:
        return f"{self.cloud} Day 1 {self.previous_day1} -> {self.new_day1}"

    @property
    def slip_days(self) -> int | None:
        if self.previous_day1 is None or self.new_day1 is None:
            return None
        return (self.new_day1 - self.previous_day1).days
