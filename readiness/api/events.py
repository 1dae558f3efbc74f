"""GET /api/v1/events/?after=<id>: every change a partner tool may mirror, of the clouds it may see,
in id order. Start with after=0, then pass the `next_after` of each page; an empty page means caught
up. A client whose position was purged (EVENT_RETENTION_DAYS) gets 410 and resyncs from the lists."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from clouds.access import visible_clouds
from config.api.error_body import error_body
from config.api.schema import COMMON, Error, ErrorSerializer
from readiness.api.views import SLUG
from readiness.events import TYPES, purged_through, visible_events

DEFAULT_LIMIT, MAX_LIMIT = 200, 1000
ALLOWED = {"after", "limit", "cloud", "type"}


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=TYPES)
    object_kind = serializers.ChoiceField(choices=["item", "finding", "staff", "metric", "decision", "cloud",
                                                   "waiver"])
    object_id = serializers.CharField(help_text="The object's id (a metric's code, a cloud's slug).")
    cloud = serializers.CharField(source="cloud.slug")
    occurred_at = serializers.DateTimeField()
    actor = serializers.CharField(help_text="A username, api-key:<partner>/<name>, or job.")
    data = serializers.DictField(help_text="What changed: item.changed lists `fields`; item.retired names "
                                           "`replaced_by` (null when the requirement was removed); "
                                           "item.created names the item it `replaces`.")


class EventPage(serializers.Serializer):
    events = EventSerializer(many=True)
    next_after = serializers.IntegerField(help_text="Pass it as `after` for the next page.")
    has_more = serializers.BooleanField()


def _whole(value: str, name: str, errors: dict, *, low: int, high: int) -> int | None:
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        errors[name] = [f"A whole number from {low} to {high}."]
        return None
    return int(value)


class EventsGoneSerializer(ErrorSerializer):
    """The body of a 410 (code resync_required)."""

    resume_after = serializers.IntegerField(help_text="Resync from the lists, then follow the feed from here.")


class EventFeedView(APIView):
    """The change feed of the clouds you may see, oldest first."""

    @extend_schema(parameters=[
        OpenApiParameter("after", int, description="Events with a larger id (0 for the start)."),
        OpenApiParameter("limit", int, description=f"At most this many ({DEFAULT_LIMIT} by default, up to "
                                                   f"{MAX_LIMIT})."),
        OpenApiParameter("cloud", str, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
        OpenApiParameter("type", str, enum=list(TYPES)),
    ], responses={200: EventPage, 400: OpenApiResponse(Error, description="Invalid query parameter."),
                  410: OpenApiResponse(EventsGoneSerializer, description="Events after this id were purged: resync "
                                                                         "from the lists, then follow the feed from "
                                                                         "the id given."),
                  404: OpenApiResponse(Error, description="Unknown cloud, or outside your scope (same answer)."),
                  **COMMON})
    def get(self, request):
        params = request.query_params
        errors = {name: ["Unknown query parameter."] for name in sorted(set(params) - ALLOWED)}
        after = _whole(params.get("after", "0"), "after", errors, low=0, high=2**63 - 1)
        limit = _whole(params.get("limit", str(DEFAULT_LIMIT)), "limit", errors, low=1, high=MAX_LIMIT)
        slug, kind = params.get("cloud"), params.get("type")
        if slug is not None and not SLUG.fullmatch(slug):
            errors["cloud"] = ["Give a cloud slug such as france."]
        if kind is not None and kind not in TYPES:
            errors["type"] = [f"One of {', '.join(TYPES)}."]
        if errors:
            raise ValidationError(errors)
        purged = purged_through()
        if after < purged:
            return Response(error_body("resync_required", f"Events up to #{purged} were purged (kept for the "
                                                          "retention period); resync from the lists, then follow "
                                                          f"this feed with after={purged}.", resume_after=purged),
                            status=status.HTTP_410_GONE)
        events = visible_events(request.user).filter(id__gt=after).select_related("cloud").order_by("id")
        if slug is not None:
            if not visible_clouds(request.user).filter(slug=slug).exists():
                raise Http404
            events = events.filter(cloud__slug=slug)
        if kind is not None:
            events = events.filter(type=kind)
        rows = list(events[: limit + 1])
        page = rows[:limit]
        return Response({"events": EventSerializer(page, many=True).data,
                         "next_after": page[-1].id if page else after, "has_more": len(rows) > limit})
