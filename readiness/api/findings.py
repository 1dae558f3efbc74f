"""/api/v1/findings/: the risk register for partner tools, scoped like everything else, paged and synced
like items (`updated_since`; acknowledging or resolving a finding moves its updated_at), and acknowledged
by those who may change the cloud (once: a second acknowledgement answers 409 with the first)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from clouds.access import managed_clouds, visible_clouds
from clouds.api.strict import StrictObjectSerializer, StrictTextField
from config.api.error_body import error_body
from config.api.schema import COMMON, Error, ErrorSerializer
from readiness.api.keyset import KeysetPagination, paginate, updated_since_from
from readiness.api.views import SLUG
from readiness.choices import FindingSeverity
from readiness.insights import registry
from readiness.insights.register import visible_findings
from readiness.insights.services import MAX_NOTE_LENGTH, acknowledge_finding
from readiness.models import Finding


class FindingSerializer(serializers.ModelSerializer):
    cloud = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    title = serializers.SerializerMethodField()
    items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    status = serializers.SerializerMethodField()
    rule = serializers.ChoiceField(choices=registry.codes(), read_only=True)
    acknowledged_by = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "cloud", "rule", "title", "severity", "status", "explanation", "recommendation", "items",
                  "opened_at", "updated_at", "resolved_at", "acknowledged_at", "acknowledged_by",
                  "acknowledgement_note"]
        read_only_fields = fields

    def get_title(self, finding) -> str:
        return registry.title_of(finding.rule)

    @extend_schema_field(serializers.ChoiceField(choices=["open", "resolved"]))
    def get_status(self, finding) -> str:
        return "open" if finding.resolved_at is None else "resolved"

    def get_acknowledged_by(self, finding) -> str | None:
        user = finding.acknowledged_by
        if user is not None:
            return user.get_full_name() or user.get_username()
        return f"API key {finding.acknowledged_by_key}" if finding.acknowledged_by_key else None


class FindingConflictSerializer(ErrorSerializer):
    """The body of a 409 on acknowledge: the error and the finding as it is."""

    current = FindingSerializer()


def _conflict(finding: Finding) -> Response:
    if finding.acknowledged_at is not None:
        by = FindingSerializer(finding).data["acknowledged_by"]
        body = error_body("already_acknowledged", f"Acknowledged already, by {by} at "
                                                  f"{finding.acknowledged_at:%Y-%m-%d %H:%M} UTC; that one is kept.",
                          current=FindingSerializer(finding).data)
    else:
        body = error_body("already_resolved", "This finding is resolved; there is nothing to acknowledge.",
                          current=FindingSerializer(finding).data)
    return Response(body, status=status.HTTP_409_CONFLICT)


FILTERS = [
    OpenApiParameter("cloud", str, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
    OpenApiParameter("severity", str, enum=FindingSeverity.values),
    OpenApiParameter("rule", str, enum=registry.codes()),
    OpenApiParameter("status", str, enum=["open", "resolved", "all"], description="Default: open."),
    OpenApiParameter("acknowledged", str, enum=["true", "false"]),
    OpenApiParameter("updated_since", OpenApiTypes.DATETIME, description="Inclusive, with a UTC offset."),
]
ALLOWED = {"cloud", "severity", "rule", "status", "acknowledged", "updated_since", "cursor", "page_size"}


class AcknowledgeRequest(StrictObjectSerializer):
    note = StrictTextField(max_length=MAX_NOTE_LENGTH, help_text="The plan, or why the risk is accepted.")


class FindingViewSet(viewsets.GenericViewSet):
    """Findings of the clouds you may see, in pages ordered by (updated_at, id) like items; open by default."""

    serializer_class = FindingSerializer
    pagination_class = KeysetPagination
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return (visible_findings(self.request.user).select_related("cloud", "acknowledged_by")
                .prefetch_related("items"))

    @extend_schema(parameters=FILTERS, responses={
        200: FindingSerializer(many=True), 400: OpenApiResponse(Error, description="Invalid query parameter."),
        404: OpenApiResponse(Error, description="Unknown cloud, or outside your scope (same answer)."), **COMMON})
    def list(self, request):
        params = request.query_params
        errors = {name: ["Unknown query parameter."] for name in sorted(set(params) - ALLOWED)}
        status_filter = params.get("status", "open")
        if status_filter not in ("open", "resolved", "all"):
            errors["status"] = ["Use open, resolved or all."]
        if params.get("severity") and params["severity"] not in FindingSeverity.values:
            errors["severity"] = ["Use high, medium or low."]
        if params.get("rule") and params["rule"] not in registry.codes():
            errors["rule"] = ["Unknown rule."]
        if params.get("acknowledged") not in (None, "true", "false"):
            errors["acknowledged"] = ["Use true or false."]
        slug = params.get("cloud")
        if slug is not None and not SLUG.fullmatch(slug):
            errors["cloud"] = ["Give a cloud slug such as france."]
        if errors:
            raise ValidationError(errors)
        findings = self.get_queryset()
        if slug is not None:
            if not visible_clouds(request.user).filter(slug=slug).exists():
                raise Http404
            findings = findings.filter(cloud__slug=slug)
        if status_filter != "all":
            findings = findings.filter(resolved_at__isnull=status_filter == "open")
        if params.get("severity"):
            findings = findings.filter(severity=params["severity"])
        if params.get("rule"):
            findings = findings.filter(rule=params["rule"])
        if params.get("acknowledged"):
            findings = findings.filter(acknowledged_at__isnull=params["acknowledged"] == "false")
        since = updated_since_from(params)
        if since is not None:
            findings = findings.filter(updated_at__gte=since)
        rows, next_url = paginate(findings, request, path=request.path)
        return Response({"next": next_url, "results": FindingSerializer(rows, many=True).data})

    @extend_schema(responses={
        200: FindingSerializer,
        404: OpenApiResponse(Error, description="Unknown, or outside your scope (same answer)."), **COMMON})
    def retrieve(self, request, pk=None):
        return Response(FindingSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(examples=[OpenApiExample("Acknowledge", request_only=True,
                                                  value={"note": "Owners are being named this week."})],
                   request=AcknowledgeRequest, responses={
        200: FindingSerializer,
        400: OpenApiResponse(Error, description="No note, or an unknown field."),
        403: OpenApiResponse(Error, description="You may see the cloud but not change it."),
        404: OpenApiResponse(Error, description="Unknown, or outside your scope (same answer)."),
        409: OpenApiResponse(FindingConflictSerializer, description="Already acknowledged (code "
                                                                    "already_acknowledged; the first one is kept) "
                                                                    "or already resolved (already_resolved): the "
                                                                    "finding as it is in `current`."),
        415: OpenApiResponse(Error, description="The body must be application/json."), **COMMON})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        finding = get_object_or_404(self.get_queryset(), pk=pk)
        if not managed_clouds(request.user).filter(pk=finding.cloud_id).exists():
            raise PermissionDenied("You may see this cloud's findings but not acknowledge them.")
        data = AcknowledgeRequest(data=request.data)
        data.is_valid(raise_exception=True)
        if finding.acknowledged_at is not None or finding.resolved_at is not None:
            return _conflict(finding)
        try:
            acknowledge_finding(finding=finding, actor=request.user, note=data.validated_data["note"])
        except DjangoValidationError:
            current = get_object_or_404(self.get_queryset(), pk=pk)
            if current.acknowledged_at is not None or current.resolved_at is not None:  # someone was first
                return _conflict(current)
            raise
        return Response(FindingSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)
