"""GET /api/v1/framework-moves/: when a visible cloud moved to another framework version, which item
ids retired and which item replaced each (same requirement code), so a partner tool can re-key
its mirror of the items."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from clouds.access import visible_clouds
from config.api.schema import COMMON, Error
from readiness.api.views import SLUG
from readiness.models import FrameworkMove

MAX_MOVES = 1000


class RetiredItemSerializer(serializers.Serializer):
    retired_id = serializers.IntegerField()
    code = serializers.CharField()
    replaced_by_id = serializers.IntegerField(allow_null=True, help_text="Null: the requirement was removed.")


class FrameworkMoveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cloud = serializers.CharField(source="cloud.slug")
    framework = serializers.CharField(source="to_checklist.framework.slug")
    from_version = serializers.IntegerField(source="from_checklist.framework.version")
    to_version = serializers.IntegerField(source="to_checklist.framework.version")
    moved_at = serializers.DateTimeField()
    retired_items = RetiredItemSerializer(many=True)
    added_codes = serializers.ListField(child=serializers.CharField())


class FrameworkMoveViewSet(viewsets.GenericViewSet):
    """Framework moves of the clouds you may see, newest first."""

    serializer_class = FrameworkMoveSerializer

    @extend_schema(parameters=[OpenApiParameter("cloud", str, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")], responses={
        200: FrameworkMoveSerializer(many=True), 400: OpenApiResponse(Error, description="Invalid query parameter."),
        404: OpenApiResponse(Error, description="Unknown cloud, or outside your scope (same answer)."), **COMMON})
    def list(self, request):
        params = request.query_params
        errors = {name: ["Unknown query parameter."] for name in sorted(set(params) - {"cloud"})}
        slug = params.get("cloud")
        if slug is not None and not SLUG.fullmatch(slug):
            errors["cloud"] = ["Give a cloud slug such as france."]
        if errors:
            raise ValidationError(errors)
        moves = (FrameworkMove.objects.filter(cloud__in=visible_clouds(request.user))
                 .select_related("cloud", "from_checklist__framework", "to_checklist__framework")
                 .order_by("-moved_at", "-pk"))
        if slug is not None:
            if not visible_clouds(request.user).filter(slug=slug).exists():
                raise Http404
            moves = moves.filter(cloud__slug=slug)
        return Response(FrameworkMoveSerializer(moves[:MAX_MOVES], many=True).data)
