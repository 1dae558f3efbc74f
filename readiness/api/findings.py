"""GET /api/v1/findings/: the risk register for partner tools, scoped like everything else."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from clouds.access import visible_clouds
from config.api.schema import COMMON, Error
from readiness.api.views import SLUG
from readiness.choices import FindingSeverity
from readiness.insights import registry
from readiness.insights.register import severity_rank, visible_findings
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
        return (user.get_full_name() or user.get_username()) if user else None


FILTERS = [
    OpenApiParameter("cloud", str, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
    OpenApiParameter("severity", str, enum=FindingSeverity.values),
    OpenApiParameter("rule", str, enum=registry.codes()),
    OpenApiParameter("status", str, enum=["open", "resolved", "all"], description="Default: open."),
]
ALLOWED = {"cloud", "severity", "rule", "status"}
MAX_FINDINGS = 1000


class FindingViewSet(viewsets.GenericViewSet):
    """Findings of the clouds you may see (open by default), high severity first."""

    serializer_class = FindingSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return (visible_findings(self.request.user).select_related("cloud", "acknowledged_by")
                .prefetch_related("items").annotate(rank=severity_rank())
                .order_by("rank", "cloud__slug", "rule", "-opened_at"))

    @extend_schema(parameters=FILTERS, responses={
        200: FindingSerializer(many=True), 400: OpenApiResponse(Error, description="Invalid query parameter."),
        404: OpenApiResponse(Error, description="Unknown cloud, or outside your scope (same answer)."), **COMMON})
    def list(self, request):
        params = request.query_params
        errors = {name: ["Unknown query parameter."] for name in sorted(set(params) - ALLOWED)}
        status = params.get("status", "open")
        if status not in ("open", "resolved", "all"):
            errors["status"] = ["Use open, resolved or all."]
        if params.get("severity") and params["severity"] not in FindingSeverity.values:
            errors["severity"] = ["Use high, medium or low."]
        if params.get("rule") and params["rule"] not in registry.codes():
            errors["rule"] = ["Unknown rule."]
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
        if status != "all":
            findings = findings.filter(resolved_at__isnull=status == "open")
        if params.get("severity"):
            findings = findings.filter(severity=params["severity"])
        if params.get("rule"):
            findings = findings.filter(rule=params["rule"])
        return Response(FindingSerializer(findings[:MAX_FINDINGS], many=True).data)

    @extend_schema(responses={
        200: FindingSerializer,
        404: OpenApiResponse(Error, description="Unknown, or outside your scope (same answer)."), **COMMON})
    def retrieve(self, request, pk=None):
        return Response(FindingSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)
