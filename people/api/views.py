"""GET /api/v1/clouds/{slug}/coverage/: a cloud's staffing coverage today and its forecast, in counts.

Counts only, never names: any caller who may see the cloud may see how well it is staffed.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from clouds.access import visible_clouds
from config.api.schema import COMMON, Error
from people.coverage import forecast, renewals
from people.queries import people_of, requirements_of


class RequirementCoverageSerializer(serializers.Serializer):
    role = serializers.CharField()
    minimum = serializers.IntegerField()
    allowed_citizenships = serializers.ListField(child=serializers.CharField(), help_text="Empty: any.")
    screenings = serializers.ListField(child=serializers.CharField())
    trainings = serializers.ListField(child=serializers.CharField())
    eligible_today = serializers.IntegerField()
    met_today = serializers.BooleanField()
    first_shortfall = serializers.DateField(allow_null=True, help_text="Within the horizon; null if none.")
    eligible_by_day = serializers.ListField(child=serializers.IntegerField(),
                                            help_text="Eligible headcount on today + n, n = 0..horizon_days.")


class CoverageSerializer(serializers.Serializer):
    cloud = serializers.CharField()
    today = serializers.DateField()
    horizon_days = serializers.IntegerField()
    requirements = RequirementCoverageSerializer(many=True)
    renewals_due = serializers.IntegerField(help_text="Screenings expiring within the renewal window.")
    critical_renewals = serializers.IntegerField()


class CoverageView(APIView):
    @extend_schema(responses={
        200: CoverageSerializer, 400: OpenApiResponse(Error, description="Unknown query parameter."),
        404: OpenApiResponse(Error, description="Unknown, or outside your scope (same answer)."), **COMMON})
    def get(self, request, slug: str):
        cloud = get_object_or_404(visible_clouds(request.user), slug=slug)
        if request.query_params:
            raise ValidationError({name: ["Unknown query parameter."] for name in sorted(request.query_params)})
        today, horizon = timezone.localdate(), settings.COVERAGE_HORIZON_DAYS
        people, requirements = people_of([cloud.pk], current_on=today), requirements_of([cloud.pk])
        rows, forecasts = [], {}
        for requirement in requirements:
            prediction = forecasts[requirement.id] = forecast(people, requirement, today, horizon)
            rows.append({
                "role": requirement.role, "minimum": requirement.minimum,
                "allowed_citizenships": sorted(requirement.allowed_citizenships),
                "screenings": sorted(requirement.screenings), "trainings": sorted(requirement.trainings),
                "eligible_today": prediction.counts[0], "met_today": prediction.counts[0] >= requirement.minimum,
                "first_shortfall": prediction.first_shortfall, "eligible_by_day": list(prediction.counts),
            })
        due = renewals(people, requirements, today, due_within_days=settings.SCREENING_RENEWAL_DUE_DAYS,
                       renewal_takes_days=settings.SCREENING_RENEWAL_TAKES_DAYS, horizon_days=horizon,
                       forecasts=forecasts)
        return Response(CoverageSerializer({
            "cloud": cloud.slug, "today": today, "horizon_days": horizon, "requirements": rows,
            "renewals_due": len(due), "critical_renewals": sum(1 for renewal in due if renewal.critical),
        }).data)
