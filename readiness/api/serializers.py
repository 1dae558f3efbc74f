"""API representations. Fields are listed explicitly; writes are validated here for shape and
types, then by readiness.services for the rules."""

from __future__ import annotations

import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clouds.api.strict import StrictDateField, StrictIntegerField, StrictObjectSerializer
from clouds.choices import CloudKind, LifecycleStage, PartnerRole
from clouds.models import Partner
from config.api.schema import ErrorSerializer
from readiness import scoring
from readiness.api.conflicts import ChangedSinceSerializer
from readiness.choices import ItemStatus, Pillar
from readiness.item_changes import NOT_A_PARTNER
from readiness.models import ChecklistItem, Framework, Requirement, ScoreSnapshot
from readiness.services import EDITABLE_ITEM_FIELDS


class ItemSerializer(serializers.ModelSerializer):
    cloud = serializers.SlugRelatedField(source="checklist.cloud", slug_field="slug", read_only=True)
    framework_version = serializers.IntegerField(source="checklist.framework.version", read_only=True)
    code = serializers.CharField(source="requirement.code", read_only=True)
    title = serializers.CharField(source="requirement.title", read_only=True)
    pillar = serializers.ChoiceField(source="requirement.pillar", read_only=True, choices=Pillar.choices)
    area = serializers.CharField(source="requirement.area", read_only=True)
    weight = serializers.IntegerField(source="requirement.weight", read_only=True)
    gating = serializers.BooleanField(source="requirement.gating", read_only=True)
    owner = serializers.IntegerField(source="owner_id", allow_null=True, read_only=True)
    owner_name = serializers.SerializerMethodField()
    accountable_partner = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    evidence_url = serializers.CharField(read_only=True, help_text="A link, or empty.")

    class Meta:
        model = ChecklistItem
        fields = ["id", "cloud", "framework_version", "code", "title", "pillar", "area", "weight", "gating",
                  "status", "owner", "owner_name", "accountable_partner", "due_date", "evidence_url", "notes",
                  "na_justification", "version", "updated_at", "status_changed_at", "completed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_owner_name(self, item) -> str | None:
        return (item.owner.get_full_name() or item.owner.get_username()) if item.owner else None

    def to_representation(self, item) -> dict:
        # The same fields as declared above (which document them), built directly: item lists
        # are the API's hot path and DRF's per-field machinery dominated their cost.
        requirement, checklist, partner = item.requirement, item.checklist, item.accountable_partner
        return {
            "id": item.pk, "cloud": checklist.cloud.slug, "framework_version": checklist.framework.version,
            "code": requirement.code, "title": requirement.title, "pillar": requirement.pillar,
            "area": requirement.area, "weight": requirement.weight, "gating": requirement.gating,
            "status": item.status, "owner": item.owner_id, "owner_name": self.get_owner_name(item),
            "accountable_partner": partner.slug if partner else None,
            "due_date": item.due_date.isoformat() if item.due_date else None,
            "evidence_url": item.evidence_url, "notes": item.notes, "na_justification": item.na_justification,
            "version": item.version, "updated_at": _stamp(item.updated_at),
            "status_changed_at": _stamp(item.status_changed_at), "completed_at": _stamp(item.completed_at),
        }


def _stamp(value) -> str | None:
    return serializers.DateTimeField().to_representation(value) if value else None


class ItemConflictSerializer(ErrorSerializer):
    """The body of a 412 (code stale_version): the error, the current item with its ETag, and what
    changed since the caller's version."""

    current = ItemSerializer()
    etag = serializers.CharField(help_text='The current version\'s ETag (also the ETag header), e.g. "5".')
    changed_fields = serializers.ListField(child=serializers.ChoiceField(choices=sorted(EDITABLE_ITEM_FIELDS)),
                                           help_text="Fields someone changed since your version (empty if your "
                                                     "If-Match named no older version of this item).")
    changed_since = ChangedSinceSerializer()


class PartnerSlugField(serializers.CharField):
    """A partner slug turned into the Partner; unknown and ineligible answer alike (see item_changes)."""

    def to_internal_value(self, data):
        slug = super().to_internal_value(data)
        well_formed = len(slug) <= 60 and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
        partner = Partner.objects.filter(slug=slug).first() if well_formed else None
        if partner is None:
            raise serializers.ValidationError(NOT_A_PARTNER)
        return partner

    def run_validators(self, value):
        pass  # the value is a Partner by now; CharField's text validators ran on the slug


class ItemChangesSerializer(StrictObjectSerializer):
    """The editable fields of an item; every one optional (PATCH semantics)."""

    status = serializers.ChoiceField(choices=ItemStatus.choices, required=False)
    owner = StrictIntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    accountable_partner = PartnerSlugField(required=False, allow_null=True,
                                           help_text="Slug of a partner working on the item's cloud.")
    due_date = StrictDateField(required=False, allow_null=True)
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10000, trim_whitespace=False)
    na_justification = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                             trim_whitespace=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Send at least one of: " + ", ".join(sorted(EDITABLE_ITEM_FIELDS)))
        return attrs


class BulkRowSerializer(ItemChangesSerializer):
    id = StrictIntegerField(min_value=1, max_value=2**63 - 1)
    version = StrictIntegerField(min_value=1, max_value=2**63 - 1)

    def validate(self, attrs):
        if len(attrs) <= 2:
            raise serializers.ValidationError("Each row needs at least one field to change.")
        return attrs


class BulkRequestSerializer(StrictObjectSerializer):
    """Reads the envelope; each row is then read on its own, so that every failing row is reported."""

    items = serializers.ListField(child=serializers.JSONField(), min_length=1, max_length=500)


class ItemBulkSerializer(StrictObjectSerializer):
    """Rows to change, all or nothing: each names an item, the version it changes, and the fields to set."""

    items = BulkRowSerializer(many=True, min_length=1, max_length=500)


class BulkResponseSerializer(serializers.Serializer):
    items = ItemSerializer(many=True)


LEVELS = [scoring.READY, scoring.AT_RISK, scoring.NOT_READY]
REASONS = sorted(scoring.REASON_TEXT)
FORECAST_STATUSES = [scoring.FORECAST_ON_TRACK, scoring.FORECAST_LATE, scoring.FORECAST_NONE]
SNAPSHOT_LEVELS = ["", *LEVELS]
SNAPSHOT_REASONS = ["", *REASONS]
SNAPSHOT_FORECAST_STATUSES = ["", *FORECAST_STATUSES]
FORECAST_REASONS = sorted({scoring.NO_FORECAST_LAUNCHED, scoring.NO_FORECAST_NO_DAY1, scoring.NO_FORECAST_DAY1_PASSED,
                           scoring.NO_FORECAST_FEW_POINTS, scoring.NO_FORECAST_FLAT, scoring.FORECAST_COMPLETE,
                           scoring.FORECAST_PROJECTED})
SNAPSHOT_FORECAST_REASONS = ["", *FORECAST_REASONS]


class SnapshotSerializer(serializers.ModelSerializer):
    level = serializers.ChoiceField(read_only=True, choices=SNAPSHOT_LEVELS, help_text="Empty on pillar rows.")
    reason = serializers.ChoiceField(read_only=True, choices=SNAPSHOT_REASONS, help_text="Empty on pillar rows.")
    forecast_status = serializers.ChoiceField(read_only=True, choices=SNAPSHOT_FORECAST_STATUSES,
                                              help_text="Overall rows only.")
    forecast_reason = serializers.ChoiceField(read_only=True, choices=SNAPSHOT_FORECAST_REASONS)

    class Meta:
        model = ScoreSnapshot
        fields = ["day", "scope", "score", "level", "reason", "counted_count", "done_count", "open_count",
                  "overdue_count", "blocked_count", "open_gating_count", "done_weight", "counted_weight",
                  "forecast_status", "forecast_reason", "projected_date", "days_late", "computed_at"]
        read_only_fields = fields


class ForecastSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FORECAST_STATUSES)
    reason = serializers.ChoiceField(choices=FORECAST_REASONS)
    projected_date = serializers.DateField(allow_null=True)
    days_late = serializers.IntegerField(allow_null=True)


class CloudPartnerSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=PartnerRole.values)


class CloudScoresSerializer(serializers.Serializer):
    day = serializers.DateField(allow_null=True)
    overall = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    level = serializers.ChoiceField(choices=LEVELS, allow_null=True)
    reason = serializers.ChoiceField(choices=REASONS, allow_null=True)
    reason_text = serializers.CharField(allow_null=True)
    pillars = serializers.DictField(child=serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True))
    open_gating = serializers.IntegerField(allow_null=True)
    overdue = serializers.IntegerField(allow_null=True)
    forecast = ForecastSerializer(allow_null=True)


class CloudSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    country_code = serializers.CharField()
    kind = serializers.ChoiceField(choices=CloudKind.values)
    stage = serializers.ChoiceField(choices=LifecycleStage.values)
    day1_date = serializers.DateField(allow_null=True)
    partners = CloudPartnerSerializer(many=True)
    scores = CloudScoresSerializer()


class RequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Requirement
        fields = ["id", "code", "title", "guidance", "pillar", "area", "weight", "gating", "position"]
        read_only_fields = fields


class FrameworkSerializer(serializers.ModelSerializer):
    requirement_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Framework
        fields = ["id", "slug", "name", "version", "description", "loaded_at", "requirement_count"]
        read_only_fields = fields
