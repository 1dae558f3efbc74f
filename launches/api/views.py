"""/api/v1/gates/ and /api/v1/decisions/: launch governance of the clouds you may see, read-only.

Decisions are recorded by people on the launch pages; partner tools read them, their conditions
and their frozen evidence (the exact text that was hashed, so a tool can check the SHA-256).
"""

from __future__ import annotations

import json
import re

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from clouds.access import visible_clouds
from config.api.schema import COMMON, Error
from launches.access import visible_decisions
from launches.choices import GateState, Outcome
from launches.models import GATE_CODE_REGEX
from launches.state import gate_rows

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
GATE_CODE = re.compile(GATE_CODE_REGEX.strip("^$"))
MAX_DECISIONS = 1000
CLOUD = OpenApiParameter("cloud", str, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
NOT_FOUND = {404: OpenApiResponse(Error, description="Unknown, or outside your scope (same answer).")}
BAD_QUERY = {400: OpenApiResponse(Error, description="Invalid or unknown query parameter.")}


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    required = serializers.CharField()
    actual = serializers.CharField()
    met = serializers.BooleanField()


class GateSerializer(serializers.Serializer):
    cloud = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    offset_days = serializers.IntegerField(help_text="Days from Day 1.")
    due_on = serializers.DateField(allow_null=True, help_text="Day 1 + offset; null while Day 1 is not set.")
    state = serializers.ChoiceField(choices=GateState.values)
    criteria = CriterionSerializer(many=True, help_text="Checked live against the cloud's data now.")
    criteria_met = serializers.BooleanField()
    decision = serializers.IntegerField(allow_null=True, help_text="The decision in force (the latest).")
    decided_for_due_on = serializers.DateField(
        allow_null=True, help_text="The gate's date when that decision was taken; differs from due_on when Day 1 "
                                   "moved since (the decision should be confirmed again).")
    outcome = serializers.ChoiceField(choices=Outcome.values, allow_null=True)


class ConditionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    owner = serializers.SerializerMethodField()
    due_on = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)
    done_note = serializers.CharField()

    def get_owner(self, condition) -> str:
        return condition.owner.get_full_name() or condition.owner.get_username()


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cloud = serializers.CharField(source="cloud.slug")
    gate = serializers.CharField(source="gate_code")
    gate_name = serializers.CharField()
    gate_due_on = serializers.DateField(allow_null=True)
    framework_version = serializers.IntegerField(source="framework.version")
    outcome = serializers.ChoiceField(choices=Outcome.values)
    decided_at = serializers.DateTimeField()
    decided_by = serializers.CharField(source="decided_by_name")
    attendees = serializers.ListField(child=serializers.CharField(), source="attendee_list")
    rationale = serializers.CharField()
    conditions = ConditionSerializer(many=True)
    evidence_sha256 = serializers.CharField()


class DecisionDetailSerializer(DecisionSerializer):
    evidence = serializers.SerializerMethodField(help_text="The frozen evidence, parsed.")
    evidence_text = serializers.CharField(source="evidence", help_text="The exact UTF-8 text that was hashed.")

    def get_evidence(self, decision) -> dict:
        return json.loads(decision.evidence)


def _refuse_unknown(params, allowed: set[str]) -> dict[str, list[str]]:
    return {name: ["Unknown query parameter."] for name in sorted(set(params) - allowed)}


def _cloud_filter(params, errors: dict) -> str | None:
    slug = params.get("cloud")
    if slug is not None and not SLUG.fullmatch(slug):
        errors["cloud"] = ["Give a cloud slug such as france."]
    return slug


class GateViewSet(viewsets.GenericViewSet):
    """Each visible cloud's gates with date, state, live criteria and the decision in force."""

    serializer_class = GateSerializer

    @extend_schema(parameters=[CLOUD], responses={200: GateSerializer(many=True), **BAD_QUERY, **NOT_FOUND,
                                                  **COMMON})
    def list(self, request):
        errors = _refuse_unknown(request.query_params, {"cloud"})
        slug = _cloud_filter(request.query_params, errors)
        if errors:
            raise ValidationError(errors)
        clouds = visible_clouds(request.user).order_by("name")
        if slug is not None:
            clouds = clouds.filter(slug=slug)
            if not clouds.exists():
                raise Http404
        clouds = list(clouds)
        rows = gate_rows(clouds, timezone.localdate())
        gates = [{"cloud": cloud.slug, "code": row.gate.code, "name": row.gate.name,
                  "offset_days": row.gate.offset_days, "due_on": row.due_on, "state": row.state,
                  "criteria": row.criteria, "criteria_met": row.criteria_met,
                  "decision": row.latest.pk if row.latest else None,
                  "decided_for_due_on": row.latest.gate_due_on if row.latest else None,
                  "outcome": row.latest.outcome if row.latest else None}
                 for cloud in clouds for row in rows[cloud.pk]]
        return Response(GateSerializer(gates, many=True).data)


class DecisionViewSet(viewsets.GenericViewSet):
    """Recorded decisions of the clouds you may see, newest first."""

    serializer_class = DecisionSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return (visible_decisions(self.request.user).select_related("cloud", "framework")
                .prefetch_related("conditions__owner").order_by("-decided_at", "-pk"))

    @extend_schema(parameters=[CLOUD, OpenApiParameter("gate", str, pattern=GATE_CODE_REGEX)],
                   responses={200: DecisionSerializer(many=True), **BAD_QUERY, **NOT_FOUND, **COMMON})
    def list(self, request):
        params = request.query_params
        errors = _refuse_unknown(params, {"cloud", "gate"})
        slug = _cloud_filter(params, errors)
        gate = params.get("gate")
        if gate is not None and not GATE_CODE.fullmatch(gate):
            errors["gate"] = ["Give a gate code such as go-no-go."]
        if errors:
            raise ValidationError(errors)
        decisions = self.get_queryset()
        if slug is not None:
            if not visible_clouds(request.user).filter(slug=slug).exists():
                raise Http404
            decisions = decisions.filter(cloud__slug=slug)
        if gate is not None:
            decisions = decisions.filter(gate_code=gate)
        return Response(DecisionSerializer(decisions[:MAX_DECISIONS], many=True).data)

    @extend_schema(responses={200: DecisionDetailSerializer, **NOT_FOUND, **COMMON})
    def retrieve(self, request, pk=None):
        return Response(DecisionDetailSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)
