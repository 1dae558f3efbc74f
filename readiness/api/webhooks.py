"""/api/v1/webhooks/: a partner's tools register the endpoints that receive its clouds' events, read
the delivery log and ask for a redelivery. Only a partner's key or staff manage its endpoints (the
admin manages any); another partner's endpoint answers 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from clouds.access import partner_id_of
from clouds.api.strict import StrictObjectSerializer, StrictTextField
from clouds.models import Partner
from config.api.schema import COMMON, Error
from readiness.models import DeliveryStatus, WebhookDelivery
from readiness.validation import error_dict
from readiness.webhooks import endpoints_of, redeliver, register_endpoint

NOT_FOUND = {404: OpenApiResponse(Error, description="Unknown, or another partner's (same answer).")}


class EndpointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    description = serializers.CharField()
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    failing_since = serializers.DateTimeField(allow_null=True)
    disabled_at = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.CharField()


class CreatedEndpointSerializer(EndpointSerializer):
    secret = serializers.CharField(help_text="Shown once: verify each delivery's webhook-signature with it.")


class EndpointRequest(StrictObjectSerializer):
    url = serializers.URLField(max_length=500)
    description = StrictTextField(max_length=200, required=False, allow_blank=True)


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id")
    event_type = serializers.CharField(source="event.type")
    status = serializers.ChoiceField(choices=DeliveryStatus.values)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    delivered_at = serializers.DateTimeField(allow_null=True)


class WebhookViewSet(viewsets.GenericViewSet):
    """Your partner's webhook endpoints."""

    serializer_class = EndpointSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return endpoints_of(self.request.user).order_by("pk")

    @extend_schema(responses={200: EndpointSerializer(many=True), **COMMON})
    def list(self, request):
        return Response(EndpointSerializer(self.get_queryset(), many=True).data)

    @extend_schema(examples=[OpenApiExample("Register", request_only=True, value={
        "url": "https://hooks.example.com/portal", "description": "Ticketing sync"})],
        request=EndpointRequest, responses={
        201: CreatedEndpointSerializer,
        400: OpenApiResponse(Error, description="Invalid or unknown fields, a URL that is not https."),
        403: OpenApiResponse(Error, description="Only a partner's key or staff register its endpoints."),
        415: OpenApiResponse(Error, description="The body must be application/json."), **COMMON})
    def create(self, request):
        partner_id = partner_id_of(request.user)
        if partner_id is None:
            raise PermissionDenied("Webhook endpoints belong to a partner: register them with the partner's "
                                   "API key (administrators use the admin).")
        data = EndpointRequest(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            endpoint = register_endpoint(partner=Partner.objects.get(pk=partner_id), actor=request.user,
                                         url=data.validated_data["url"],
                                         description=data.validated_data.get("description", ""))
        except DjangoValidationError as exc:
            raise ValidationError(error_dict(exc, non_field_key="non_field_errors")) from None
        return Response(CreatedEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: EndpointSerializer, **NOT_FOUND, **COMMON})
    def retrieve(self, request, pk=None):
        return Response(EndpointSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(responses={204: None, **NOT_FOUND, **COMMON})
    def destroy(self, request, pk=None):
        get_object_or_404(self.get_queryset(), pk=pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: DeliverySerializer(many=True), **NOT_FOUND, **COMMON})
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        endpoint = get_object_or_404(self.get_queryset(), pk=pk)
        rows = endpoint.deliveries.select_related("event").order_by("-pk")[:100]
        return Response(DeliverySerializer(rows, many=True).data)

    @extend_schema(request=None, responses={202: DeliverySerializer, **NOT_FOUND, **COMMON})
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>[0-9]+)/redeliver")
    def redeliver(self, request, pk=None, delivery_id=None):
        endpoint = get_object_or_404(self.get_queryset(), pk=pk)
        delivery = get_object_or_404(WebhookDelivery.objects.select_related("event"), pk=delivery_id,
                                     endpoint=endpoint)
        return Response(DeliverySerializer(redeliver(delivery)).data, status=status.HTTP_202_ACCEPTED)
