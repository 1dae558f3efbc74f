"""Readiness frameworks, the checklists that instantiate them, and score snapshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.urls import reverse

from clouds.audit import audit_trail
from clouds.models import Cloud, Partner
from readiness import checks
from readiness.choices import (
    OPEN_STATUSES,
    FindingSeverity,
    ItemStatus,
    Level,
    Pillar,
    SnapshotScope,
    WaiverState,
)

REQUIREMENT_CODE_REGEX = r"^[A-Z]{3}-[0-9]{2,3}$"
AREA_REGEX = r"^[a-z][a-z0-9-]*$"
CHECK_REGEX = r"^[a-z][a-z0-9_]*$"
CHECK_ROLES_REGEX = r"^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$"


class Framework(models.Model):
    """One version of a readiness template, loaded from a YAML file and never edited after."""

    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=160)
    version = models.PositiveIntegerField()
    description = models.TextField(blank=True)
    source_sha256 = models.CharField(max_length=64, help_text="Hash of the YAML file it was loaded from.")
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = audit_trail()

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="framework_slug_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="framework_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Requirement(models.Model):
    """One readiness requirement of a framework version; its code is stable across versions."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="requirements")
    code = models.CharField(max_length=12)
    title = models.CharField(max_length=200)
    guidance = models.TextField()
    pillar = models.CharField(max_length=20, choices=Pillar.choices)
    area = models.CharField(max_length=40)
    weight = models.PositiveSmallIntegerField(help_text="1 (minor) to 5 (critical).")
    gating = models.BooleanField(default=False, help_text="A Day-1 blocker.")
    position = models.PositiveIntegerField(help_text="Order in the framework file.")
    # `check` in the framework file (a model cannot have a field named check).
    auto_check = models.CharField(max_length=40, blank=True,
                                  help_text="An automatic check that sets the item (e.g. staffing_coverage).")
    check_roles = models.CharField(max_length=200, blank=True, help_text="The roles the check looks at.")
    history = audit_trail()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="requirement_code_unique"),
            models.CheckConstraint(condition=Q(weight__gte=1) & Q(weight__lte=5), name="requirement_weight_1_5"),
            models.CheckConstraint(condition=Q(pillar__in=Pillar.values), name="requirement_pillar_valid"),
            models.CheckConstraint(condition=Q(code__regex=REQUIREMENT_CODE_REGEX),
                                   name="requirement_code_format"),
            models.CheckConstraint(condition=Q(area__regex=AREA_REGEX), name="requirement_area_format"),
            models.CheckConstraint(condition=Q(auto_check="") | Q(auto_check__regex=CHECK_REGEX),
                                   name="requirement_check_format"),
            models.CheckConstraint(
                condition=Q(check_roles="") | (~Q(auto_check="") & Q(check_roles__regex=CHECK_ROLES_REGEX)),
                name="requirement_check_roles_format"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def area_label(self) -> str:
        return self.area.replace("-", " ").capitalize()

    @property
    def auto_check_label(self) -> str:
        return checks.description_of(self.auto_check) if self.auto_check else ""


class ChecklistQuerySet(models.QuerySet):
    def active(self) -> ChecklistQuerySet:
        return self.filter(is_active=True)


class Checklist(models.Model):
    """A cloud's instance of one framework version; only the active one is scored and listed."""

    cloud = models.ForeignKey(Cloud, on_delete=models.CASCADE, related_name="checklists")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="checklists")
    is_active = models.BooleanField(default=True)
    started_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    objects = ChecklistQuerySet.as_manager()
    history = audit_trail()

    class Meta:
        ordering = ["cloud__name", "-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["cloud"], condition=Q(is_active=True),
                                    name="checklist_one_active_per_cloud"),
        ]

    def __str__(self) -> str:
        state = "active" if self.is_active else "archived"
        return f"{self.cloud} - {self.framework} ({state})"


class FrameworkMove(models.Model):
    """A cloud moved from one framework version to another (readiness.services.start_checklist):
    which item ids retired and which item replaced each (same requirement code), for partner tools."""

    cloud = models.ForeignKey(Cloud, on_delete=models.CASCADE, related_name="framework_moves")
    from_checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="+")
    to_checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField()
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    # [{"retired_id", "code", "replaced_by_id" (None when the requirement was removed)}]
    retired_items = models.JSONField(default=list)
    added_codes = models.JSONField(default=list, help_text="Requirements new in this version.")

    class Meta:
        ordering = ["-moved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.cloud} moved at {self.moved_at:%Y-%m-%d %H:%M}"


class ChecklistItemQuerySet(models.QuerySet):
    """The filters every reader of items repeats, named once."""

    def active(self) -> ChecklistItemQuerySet:
        """Items of active checklists: the only ones scored, listed and synced."""
        return self.filter(checklist__is_active=True)

    def of_clouds(self, cloud_ids: Iterable[int]) -> ChecklistItemQuerySet:
        return self.filter(checklist__cloud_id__in=list(cloud_ids))

    def open(self) -> ChecklistItemQuerySet:
        """Neither done nor not applicable."""
        return self.filter(status__in=OPEN_STATUSES)

    def gating(self) -> ChecklistItemQuerySet:
        return self.filter(requirement__gating=True)

    def with_waiver_flag(self, day: dt.date) -> ChecklistItemQuerySet:
        """Alias `under_waiver`: a waiver approved on or before `day` and expiring on or after it
        covers the item (WAIVED below adds "and the item is open")."""
        return self.alias(under_waiver=waiver_in_force(day))

    def unwaived(self, day: dt.date) -> ChecklistItemQuerySet:
        """Without the open items whose waiver is in force on `day` (their effective status is waived)."""
        return self.with_waiver_flag(day).exclude(WAIVED)


def waiver_in_force(day: dt.date) -> ExpressionWrapper:
    # "id IN (the items under a waiver in force)": one uncorrelated subquery the database hashes once,
    # not a lookup per item (a correlated EXISTS made the full sweep over 100,000 items 2.5x slower).
    return ExpressionWrapper(Q(pk__in=Waiver.objects.in_force(day).values("item_id")), output_field=BooleanField())


def waived_until(day: dt.date) -> Subquery:
    """Annotation: the expiry of the waiver in force on `day` (None without one)."""
    return Subquery(Waiver.objects.filter(item=OuterRef("pk")).in_force(day).order_by("-expires_on")
                    .values("expires_on")[:1])


# On a queryset with_waiver_flag(day): the open items whose effective status is "waived".
WAIVED = Q(under_waiver=True, status__in=OPEN_STATUSES)


def overdue_condition(today: dt.date) -> Q:
    """The condition "open and due before today", for filters and filtered aggregates."""
    return Q(status__in=OPEN_STATUSES, due_date__lt=today)


class ChecklistItem(models.Model):
    """A cloud's progress on one requirement. Written only through readiness.services."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="items")
    status = models.CharField(max_length=20, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_items"
    )
    accountable_partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="accountable_items"
    )
    due_date = models.DateField(null=True, blank=True)
    evidence_url = models.URLField("evidence link", max_length=500, blank=True)
    notes = models.TextField(blank=True)
    na_justification = models.TextField(
        "justification", blank=True, help_text="Why the requirement does not apply (required for N/A)."
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    objects = ChecklistItemQuerySet.as_manager()
    history = audit_trail()

    class Meta:
        ordering = ["checklist", "requirement__position"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "requirement"], name="item_requirement_unique"),
            models.CheckConstraint(condition=Q(status__in=ItemStatus.values), name="item_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=ItemStatus.NOT_APPLICABLE) | ~Q(na_justification=""),
                name="item_na_has_justification",
            ),
            models.CheckConstraint(
                condition=(Q(status=ItemStatus.DONE) & Q(completed_at__isnull=False))
                | (~Q(status=ItemStatus.DONE) & Q(completed_at__isnull=True)),
                name="item_completed_at_iff_done",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="item_version_positive"),
        ]
        indexes = [models.Index(fields=["updated_at", "id"], name="item_sync_cursor")]

    def __str__(self) -> str:
        return f"{self.requirement.code} on {self.checklist.cloud}"

    def get_absolute_url(self) -> str:
        return reverse("readiness:item", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ScoreSnapshot(models.Model):
    """A cloud's computed score for one pillar (or overall) on one day, with the sums behind it."""

    cloud = models.ForeignKey(Cloud, on_delete=models.CASCADE, related_name="score_snapshots")
    scope = models.CharField(max_length=20, choices=SnapshotScope.choices)
    day = models.DateField()
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True,
                                help_text="Empty when undefined (no counted items).")
    level = models.CharField(max_length=20, choices=Level.choices, blank=True, help_text="Overall rows only.")
    reason = models.CharField(max_length=40, blank=True)
    counted_count = models.PositiveIntegerField(default=0)
    done_count = models.PositiveIntegerField(default=0)
    open_count = models.PositiveIntegerField(default=0)
    overdue_count = models.PositiveIntegerField(default=0)
    blocked_count = models.PositiveIntegerField(default=0)
    open_gating_count = models.PositiveIntegerField(default=0)
    done_weight = models.PositiveIntegerField(default=0)
    counted_weight = models.PositiveIntegerField(default=0)
    waived_count = models.PositiveIntegerField(default=0, help_text="Open items under a waiver: not counted.")
    waived_weight = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()
    forecast_status = models.CharField(max_length=20, blank=True, help_text="Overall rows only.")
    forecast_reason = models.CharField(max_length=40, blank=True)
    projected_date = models.DateField(null=True, blank=True, help_text="When the score is projected to reach 100.")
    days_late = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["cloud", "-day", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["cloud", "scope", "day"], name="snapshot_cloud_scope_day_unique"),
            models.CheckConstraint(condition=Q(scope__in=SnapshotScope.values), name="snapshot_scope_valid"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="snapshot_score_0_100",
            ),
            models.CheckConstraint(
                condition=(Q(scope=SnapshotScope.OVERALL) & Q(level__in=Level.values))
                | (~Q(scope=SnapshotScope.OVERALL) & Q(level="")),
                name="snapshot_level_on_overall_only",
            ),
            models.CheckConstraint(condition=Q(done_weight__lte=F("counted_weight")),
                                   name="snapshot_done_weight_le_counted"),
            models.CheckConstraint(condition=Q(done_count__lte=F("counted_count")),
                                   name="snapshot_done_le_counted"),
        ]

    def __str__(self) -> str:
        return f"{self.cloud} {self.scope} {self.day}: {self.score if self.score is not None else 'n/a'}"


class CloudScoreState(models.Model):
    """Whether a cloud's snapshots and findings lag behind its data.

    Every write that can change a score bumps `generation` and sets `stale` in
    the writer's transaction. A refresh (scores, then findings) clears `stale`
    only if `generation` is still what it read when it started, so an edit made
    during a refresh, or a refresh that died half-way, keeps the cloud stale for
    the next one.
    """

    cloud = models.OneToOneField(Cloud, on_delete=models.CASCADE, primary_key=True, related_name="score_state")
    stale = models.BooleanField(default=True)
    generation = models.PositiveBigIntegerField(default=0)
    marked_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.cloud_id}: {'stale' if self.stale else 'fresh'} (generation {self.generation})"


class JobHeartbeat(models.Model):
    """When a periodic job last finished; /healthz reports its age."""

    name = models.CharField(max_length=60, primary_key=True)
    finished_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.finished_at:%Y-%m-%d %H:%M:%S}"


class Finding(models.Model):
    """A gap an insight rule found in a cloud. One open finding per rule and cloud; it follows
    its items as they come and go and resolves itself when the rule stops firing. Resolved and
    acknowledged findings are kept."""

    cloud = models.ForeignKey(Cloud, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=FindingSeverity.choices)
    explanation = models.TextField()
    recommendation = models.TextField()
    items = models.ManyToManyField(ChecklistItem, blank=True, related_name="findings")
    opened_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    acknowledgement_note = models.TextField(blank=True)
    acknowledged_by_key = models.CharField(max_length=100, blank=True, help_text="The API key that acknowledged it.")

    class Meta:
        ordering = ["cloud__name", "-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["cloud", "rule"], condition=Q(resolved_at__isnull=True),
                                    name="finding_one_open_per_rule_and_cloud"),
            models.CheckConstraint(condition=Q(severity__in=FindingSeverity.values), name="finding_severity_valid"),
            models.CheckConstraint(condition=Q(acknowledged_at__isnull=True) | Q(acknowledgement_note__gt=""),
                                   name="finding_acknowledgement_has_note"),
        ]
        indexes = [models.Index(fields=["cloud", "resolved_at"], name="finding_cloud_open")]

    def __str__(self) -> str:
        return f"{self.cloud} {self.rule} ({self.severity})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class DigestDelivery(models.Model):
    """One row per recipient and day: the daily digest goes out at most once, whatever the job does."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    sent_at = models.DateTimeField()
    finding_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_and_day")]

    def __str__(self) -> str:
        return f"digest to {self.user} on {self.day}"


class WaiverQuerySet(models.QuerySet):
    def in_force(self, day: dt.date) -> WaiverQuerySet:
        """Approved on or before `day` and expiring on or after it."""
        return self.filter(state=WaiverState.APPROVED, decided_on__lte=day, expires_on__gte=day)


class Waiver(models.Model):
    """Accepted risk on an open item until an expiry date: requested with a reason and a compensating
    control, approved or rejected by someone else with the right to (readiness.waivers). While in force
    the item's effective status is "waived" (readiness.scoring.is_waived_on); the item keeps its status."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="waivers")
    state = models.CharField(max_length=12, choices=WaiverState.choices, default=WaiverState.REQUESTED)
    reason = models.TextField(help_text="Why the item will not be done in time.")
    compensating_control = models.TextField(help_text="What limits the risk meanwhile.")
    expires_on = models.DateField(help_text="The last day the waiver applies.")
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_by_key = models.CharField(max_length=100, blank=True, help_text="The API key that requested it.")
    requested_for_partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Set when partner staff or a partner key asked: the cloud's program manager may then decide.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True, help_text="The portal's day of the decision.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decision_note = models.TextField(blank=True)
    objects = WaiverQuerySet.as_manager()
    history = audit_trail()

    class Meta:
        ordering = ["expires_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=WaiverState.values), name="waiver_state_valid"),
            models.CheckConstraint(condition=~Q(reason="") & ~Q(compensating_control=""),
                                   name="waiver_reason_and_control"),
            models.CheckConstraint(
                condition=~Q(state__in=[WaiverState.APPROVED, WaiverState.REJECTED])
                | Q(decided_at__isnull=False, decided_on__isnull=False),
                name="waiver_decision_has_date"),
            models.CheckConstraint(
                condition=~Q(state=WaiverState.REQUESTED) | Q(decided_at__isnull=True, decided_on__isnull=True),
                name="waiver_request_undecided"),
            models.UniqueConstraint(fields=["item"], condition=Q(state=WaiverState.REQUESTED),
                                    name="waiver_one_request_per_item"),
        ]
        indexes = [models.Index(fields=["item", "state", "expires_on"], name="waiver_item_state")]

    def __str__(self) -> str:
        return f"Waiver #{self.pk} ({self.state}, until {self.expires_on})"

    def get_absolute_url(self) -> str:
        return reverse("readiness:waiver", kwargs={"pk": self.pk})

    def is_in_force(self, day: dt.date) -> bool:
        return (self.state == WaiverState.APPROVED and self.decided_on is not None
                and self.decided_on <= day <= self.expires_on)

    def display_state(self, day: dt.date) -> str:
        """Requested, approved, rejected, withdrawn, expired (approved, past its expiry), or void (requested
        or approved on an item a framework move retired: it no longer applies)."""
        if self.state in (WaiverState.REQUESTED, WaiverState.APPROVED) and not self.item.checklist.is_active:
            return "void"
        if self.state == WaiverState.APPROVED and self.expires_on < day:
            return "expired"
        return self.state


class Event(models.Model):
    """One change a partner tool may mirror, written in the same transaction as the change
    (readiness.events.record). Ids only grow, in commit order; the feed serves them by id."""

    id = models.BigAutoField(primary_key=True)
    type = models.CharField(max_length=40, help_text="e.g. item.changed, item.retired, finding.opened")
    object_kind = models.CharField(max_length=20)
    object_id = models.CharField(max_length=80)
    cloud = models.ForeignKey(Cloud, on_delete=models.CASCADE, related_name="+")
    # Set when only this partner (besides roles that see every cloud) may see the event: a person's
    # record is its employer's business, not the other partners' of the cloud.
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["cloud", "id"], name="event_cloud_id"),
                   models.Index(fields=["occurred_at"], name="event_occurred_at")]
        constraints = [
            models.CheckConstraint(condition=Q(type__regex=r"^[a-z0-9_]+\.[a-z0-9_]+$"), name="event_type_format"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.type} {self.object_kind}:{self.object_id}"


class EventPurge(models.Model):
    """How far the retention job has deleted the feed: a client asking for events after an id below
    `through_id` fell behind and must resync (410)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    through_id = models.BigIntegerField(default=0)
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"events purged through #{self.through_id}"


class WebhookEndpoint(models.Model):
    """Where a partner wants the events of its clouds pushed (readiness.webhooks signs and retries)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=80, help_text="whsec_<base64>; shown once when created.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_by_key = models.CharField(max_length=100, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True, help_text="First failure since the last success.")
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)
    history = audit_trail(excluded_fields=["secret"])

    class Meta:
        ordering = ["partner", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(secret__startswith="whsec_"), name="webhook_secret_format"),
            models.CheckConstraint(condition=Q(url__startswith="https://") | Q(url__startswith="http://"),
                                   name="webhook_url_http"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} -> {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (gave up)"


class WebhookDelivery(models.Model):
    """One event to one endpoint: attempts until a 2xx, with backoff; kept as the delivery log."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="delivery_once_per_endpoint_and_event"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"),
            models.CheckConstraint(condition=~Q(status=DeliveryStatus.DELIVERED) | Q(delivered_at__isnull=False),
                                   name="delivery_delivered_has_time"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"event #{self.event_id} to {self.endpoint_id}: {self.status}"
