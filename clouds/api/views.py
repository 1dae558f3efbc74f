"""Partners, as the API shows them: a key (or partner member) sees its own partner only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from clouds.access import own_partners
from clouds.models import Partner
from config.api.schema import COMMON


class PartnerSerializer(serializers.ModelSerializer):
    clouds = serializers.SerializerMethodField()

    class Meta:
        model = Partner
        fields = ["slug", "name", "kind", "country_code", "clouds"]
        read_only_fields = fields

    def get_clouds(self, partner) -> list[str]:
        return [link.cloud.slug for link in partner.cloud_links.all()]


class PartnerViewSet(viewsets.GenericViewSet):
    serializer_class = PartnerSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return own_partners(self.request.user).prefetch_related("cloud_links__cloud").order_by("name")

    @extend_schema(responses={200: PartnerSerializer(many=True), **COMMON})
    def list(self, request):
        return Response(PartnerSerializer(self.get_queryset(), many=True).data)
