"""/api/v1/waivers/: waivers on the items of the clouds you may see. Partner keys (and anyone who may
edit an item) ask for waivers here; nobody decides them through the API: approval is a person's
act on the waiver's page (readiness.waivers.why_cannot_decide)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from clouds.access import visible_clouds
from clouds.api.strict import StrictDateField, StrictIntegerField, StrictObjectSerializer, StrictTextField
from config.api.schema import COMMON, Error
from readiness.access import visible_items
from readiness.api.views import SLUG
from readiness.choices import ChangeSource, WaiverState
from readiness.validation import error_dict
from readiness.waivers import REASON_MAX_LENGTH, request_waiver, visible_waivers

STATES = [*WaiverState.values, "expired", "in_force"]
FILTERS = [
    OpenApiParameter("cloud", str, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
    OpenApiParameter("state", str, enum=STATES, description="A decision state, or in_force / expired (by date)."),
    OpenApiParameter("item", int, description="The item's id."),
]
ALLOWED = {"cloud", "state", "item"}
MAX_WAIVERS = 1000


class WaiverSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id")
    cloud = serializers.CharField(source="item.checklist.cloud.slug")
    requirement = serializers.CharField(source="item.requirement.code")
    gating = serializers.BooleanField(source="item.requirement.gating")
    item_retired = serializers.SerializerMethodField(
        help_text="True when a framework move retired the item; the waiver then no longer applies.")
    state = serializers.ChoiceField(choices=WaiverState.values)
    in_force = serializers.SerializerMethodField()
    reason = serializers.CharField()
    compensating_control = serializers.CharField()
    expires_on = serializers.DateField()
    requested_at = serializers.DateTimeField()
    requested_by = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.SerializerMethodField()
    decision_note = serializers.CharField()

    def get_item_retired(self, waiver) -> bool:
        return not waiver.item.checklist.is_active

    def get_in_force(self, waiver) -> bool:
        return waiver.item.checklist.is_active and waiver.is_in_force(timezone.localdate())

    def get_requested_by(self, waiver) -> str | None:
        user = waiver.requested_by
        if user is not None:
            return user.get_full_name() or user.get_username()
        return f"API key {waiver.requested_by_key}" if waiver.requested_by_key else None

    def get_decided_by(self, waiver) -> str | None:
        user = waiver.decided_by
        return (user.get_full_name() or user.get_username()) if user else None


class WaiverRequest(StrictObjectSerializer):
    item = StrictIntegerField(min_value=1, max_value=2**63 - 1)
    reason = StrictTextField(max_length=REASON_MAX_LENGTH)
    compensating_control = StrictTextField(max_length=REASON_MAX_LENGTH)
    expires_on = StrictDateField(help_text="The last day it applies; at most WAIVER_MAX_DAYS (180) ahead.")


class WaiverViewSet(viewsets.GenericViewSet):
    """Waivers of the items you may see, soonest expiry first."""

    serializer_class = WaiverSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return (visible_waivers(self.request.user)
                .select_related("item__checklist__cloud", "item__requirement", "requested_by", "decided_by")
                .order_by("expires_on", "pk"))

    @extend_schema(parameters=FILTERS, responses={
        200: WaiverSerializer(many=True), 400: OpenApiResponse(Error, description="Invalid query parameter."),
        404: OpenApiResponse(Error, description="Unknown cloud, or outside your scope (same answer)."), **COMMON})
    def list(self, request):
        params = request.query_params
        errors = {name: ["Unknown query parameter."] for name in sorted(set(params) - ALLOWED)}
        state, slug, item = params.get("state"), params.get("cloud"), params.get("item")
        if state is not None and state not in STATES:
            errors["state"] = [f"Use one of {', '.join(STATES)}."]
        if slug is not None and not SLUG.fullmatch(slug):
            errors["cloud"] = ["Give a cloud slug such as france."]
        if item is not None and not (item.isascii() and item.isdigit() and len(item) <= 18):
            errors["item"] = ["Give an item id (a whole number)."]
        if errors:
            raise ValidationError(errors)
        waivers = self.get_queryset()
        today = timezone.localdate()
        if slug is not None:
            if not visible_clouds(request.user).filter(slug=slug).exists():
                raise Http404
            waivers = waivers.filter(item__checklist__cloud__slug=slug)
        if item is not None:
            waivers = waivers.filter(item_id=int(item))
        if state == "in_force":
            waivers = waivers.in_force(today).filter(item__checklist__is_active=True)
        elif state == "expired":
            waivers = waivers.filter(state=WaiverState.APPROVED, expires_on__lt=today)
        elif state is not None:
            waivers = waivers.filter(state=state)
        return Response(WaiverSerializer(waivers[:MAX_WAIVERS], many=True).data)

    @extend_schema(responses={
        200: WaiverSerializer,
        404: OpenApiResponse(Error, description="Unknown, or outside your scope (same answer)."), **COMMON})
    def retrieve(self, request, pk=None):
        return Response(WaiverSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(examples=[OpenApiExample("Ask for a waiver", request_only=True, value={
        "item": 1, "reason": "The vendor's tool ships in Q2.", "compensating_control": "Manual weekly review.",
        "expires_on": "2027-03-31"})], request=WaiverRequest, responses={
        201: WaiverSerializer,
        400: OpenApiResponse(Error, description="Invalid or unknown fields, an item that is not open, already "
                                                "waived or waiting for a decision, an expiry out of range."),
        403: OpenApiResponse(Error, description="You may see the item but not change it."),
        404: OpenApiResponse(Error, description="Unknown item, or outside your scope (same answer)."),
        415: OpenApiResponse(Error, description="The body must be application/json."), **COMMON})
    def create(self, request):
        data = WaiverRequest(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        item = get_object_or_404(visible_items(request.user).select_related("checklist"), pk=fields.pop("item"))
        try:
            waiver = request_waiver(item=item, actor=request.user, source=ChangeSource.API, **fields)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except DjangoValidationError as exc:
            raise ValidationError(error_dict(exc, non_field_key="non_field_errors")) from None
        return Response(WaiverSerializer(self.get_queryset().get(pk=waiver.pk)).data, status=status.HTTP_201_CREATED)
