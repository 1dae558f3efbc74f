"""/api/v1/metrics/: daily support metrics for partner tools: read with cursor pages, report in bulk.

Reading follows the clouds a caller sees; reporting the clouds a caller edits (a partner key: its
own clouds). Foreign clouds answer like unknown ones. Writes go through operations.ingest.
"""

from __future__ import annotations

import datetime as dt
import re

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from config.api.error_body import error_body, row_error
from config.api.schema import COMMON, Error
from operations.access import readable_clouds, reporting_clouds
from operations.ingest import IngestRefused, upsert_values
from operations.models import MetricDefinition, MetricValue
from readiness.api.keyset import KeysetPagination, paginate

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
CODE = re.compile(r"[a-z][a-z0-9_]*")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
LIST_PARAMETERS = {"cloud", "metric", "since", "until", "cursor", "page_size"}


class MetricValueSerializer(serializers.Serializer):
    cloud = serializers.CharField()
    metric = serializers.CharField()
    day = serializers.DateField()
    value = serializers.DecimalField(max_digits=14, decimal_places=3, coerce_to_string=False)
    updated_at = serializers.DateTimeField()


class MetricDefinitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricDefinition
        fields = ["code", "name", "unit", "direction", "key", "whole", "minimum", "maximum", "default_target",
                  "description"]
        read_only_fields = fields


BulkRequest = inline_serializer("MetricBulkRequest", fields={
    "values": serializers.ListField(child=inline_serializer("MetricRow", fields={
        "cloud": serializers.CharField(help_text="Cloud slug."), "metric": serializers.CharField(),
        "day": serializers.DateField(), "value": serializers.DecimalField(max_digits=14, decimal_places=3)}),
        min_length=1, max_length=5000)})
BulkResponse = inline_serializer("MetricBulkResponse", fields={
    "created": serializers.IntegerField(), "updated": serializers.IntegerField(),
    "unchanged": serializers.IntegerField()})


def _payload(row) -> dict:
    return {"cloud": row.cloud.slug, "metric": row.metric.code, "day": row.day.isoformat(),
            "value": row.value,  # not who reported it: a cloud's other partners would learn user names
            "updated_at": serializers.DateTimeField().to_representation(row.updated_at)}


class MetricValueViewSet(viewsets.GenericViewSet):
    """Daily metric values of the clouds you may see."""

    serializer_class = MetricValueSerializer
    pagination_class = KeysetPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("cloud", str, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
                             description="Cloud slug (outside your scope: 404)."),
            OpenApiParameter("metric", str, pattern=r"^[a-z][a-z0-9_]*$", description="Metric code."),
            OpenApiParameter("since", str, description="First day, YYYY-MM-DD (inclusive)."),
            OpenApiParameter("until", str, description="Last day, YYYY-MM-DD (inclusive)."),
        ],
        responses={200: MetricValueSerializer(many=True), 400: OpenApiResponse(Error, description="Bad parameter."),
                   404: OpenApiResponse(Error, description="Cloud unknown or outside your scope."), **COMMON})
    def list(self, request):
        params = request.query_params
        _refuse_unknown_or_repeated(params, LIST_PARAMETERS)
        clouds = readable_clouds(request.user)
        values = MetricValue.objects.filter(cloud__in=clouds).select_related("cloud", "metric")
        if "cloud" in params:
            slug = params["cloud"]
            if not SLUG.fullmatch(slug):
                raise ValidationError({"cloud": ["Give a cloud slug such as france."]})
            cloud = clouds.filter(slug=slug).first()
            if cloud is None:
                raise Http404
            values = values.filter(cloud=cloud)
        if "metric" in params:
            if not CODE.fullmatch(params["metric"]) or not MetricDefinition.objects.filter(
                    code=params["metric"]).exists():
                raise ValidationError({"metric": ["Unknown metric code."]})
            values = values.filter(metric__code=params["metric"])
        for name, lookup in (("since", "day__gte"), ("until", "day__lte")):
            if name in params:
                values = values.filter(**{lookup: _date(params[name], name)})
        rows, next_url = paginate(values, request, path=request.path)
        return Response({"next": next_url, "results": [_payload(row) for row in rows]})

    @extend_schema(responses={200: MetricDefinitionSerializer(many=True), **COMMON})
    @action(detail=False, methods=["get"], pagination_class=None)
    def definitions(self, request):
        _refuse_unknown_or_repeated(request.query_params, set())
        return Response(MetricDefinitionSerializer(MetricDefinition.objects.all(), many=True).data)

    @extend_schema(examples=[OpenApiExample("Yesterday's backlog", request_only=True, value={"values": [
            {"cloud": "france", "metric": "backlog", "day": "2026-11-30", "value": 12}]})],
        request=BulkRequest,
        responses={200: BulkResponse,
                   400: OpenApiResponse(Error, description="Every failing row in `errors`; nothing saved."),
                   403: OpenApiResponse(Error, description="You report metrics for no cloud (executives), or a "
                                                           "session write without its CSRF token."),
                   415: OpenApiResponse(Error, description="The body must be application/json."), **COMMON},
        description="Report up to 5,000 daily values, upserted on (cloud, metric, day), all or nothing. A value "
                    "outside the metric's range, a fraction for a count, a future day: the row is refused, never "
                    "clipped. Rows equal to what is stored change nothing.")
    @action(detail=False, methods=["post"], pagination_class=None)
    def bulk(self, request):
        if not reporting_clouds(request.user).exists():
            raise PermissionDenied("You report metrics for no cloud.")
        body = request.data
        if not isinstance(body, dict) or set(body) != {"values"} or not isinstance(body["values"], list):
            return Response(error_body("invalid", 'The body must be {"values": [...]}.',
                                       fields={"values": ["Give a list of rows."]}),
                            status=status.HTTP_400_BAD_REQUEST)
        try:
            result = upsert_values(body["values"], actor=request.user)
        except IngestRefused as exc:
            return Response(error_body("invalid", exc.detail,
                                       errors=[row_error(e.index, "invalid", e.fields) for e in exc.errors]),
                            status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": result.created, "updated": result.updated, "unchanged": result.unchanged})


def _refuse_unknown_or_repeated(params, allowed: set[str]) -> None:
    problems = {name: ["Unknown query parameter."] for name in sorted(set(params) - allowed)}
    problems.update({name: ["Give this parameter once."] for name in sorted(params)
                     if name in allowed and len(params.getlist(name)) > 1})
    if problems:
        raise ValidationError(problems)


def _date(raw: str, name: str) -> dt.date:
    if ISO_DATE.fullmatch(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise ValidationError({name: ["Use a date written YYYY-MM-DD."]})
