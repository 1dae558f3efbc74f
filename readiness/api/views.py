"""Partner API: clouds with scores, frameworks, checklist items (read, PATCH, bulk) and score history.

Scoping comes from the access modules; every write goes through readiness.services.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from clouds.access import visible_clouds
from clouds.trial_write import write_unless
from config.api.error_body import error_body, row_error
from config.api.preconditions import if_match_versions
from config.api.schema import COMMON, Error
from readiness.access import editable_items, visible_items
from readiness.api.conflicts import changes_since
from readiness.api.keyset import KeysetPagination, paginate, updated_since_from
from readiness.api.serializers import (
    BulkRequestSerializer,
    BulkResponseSerializer,
    BulkRowSerializer,
    CloudSerializer,
    FrameworkSerializer,
    ItemBulkSerializer,
    ItemChangesSerializer,
    ItemConflictSerializer,
    ItemSerializer,
    RequirementSerializer,
    SnapshotSerializer,
)
from readiness.choices import ChangeSource, ItemStatus, Pillar
from readiness.filtersets import ChecklistItemFilterSet
from readiness.models import Framework, ScoreSnapshot
from readiness.scoring import REASON_TEXT
from readiness.services import (
    MAX_BULK_ROWS,
    BulkUpdateError,
    ItemUpdate,
    StaleVersionError,
    update_item,
    update_items,
)
from readiness.snapshots.reads import latest_scores
from readiness.validation import error_dict

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ITEM_RELATIONS = ("checklist__cloud", "checklist__framework", "requirement", "owner", "accountable_partner")
HISTORY_MAX_DAYS = 400

WRITE = {
    403: OpenApiResponse(Error, description="Visible but not changeable by you, or a session write without its "
                                            "CSRF token."),
    415: OpenApiResponse(Error, description="The body must be application/json."),
}
READ = {**COMMON, 400: OpenApiResponse(Error, description="Invalid query parameter.")}
NOT_FOUND = {404: OpenApiResponse(Error, description="Unknown, or outside this key's clouds (same answer).")}


def etag_of(item) -> str:
    return f'"{item.version}"'


def _with_etag(response: Response, item) -> Response:
    response["ETag"] = etag_of(item)
    return response


def _stale(current, versions: set[int]) -> Response:
    """412: the current item with its ETag, and what changed since the caller's version, by whom and when."""
    older = [version for version in versions if version < current.version]
    since = max(older) if older else None
    changes = changes_since(current, since) if since else []
    body = error_body(
        "stale_version", f"Item {current.pk} is at version {current.version}, not the one your If-Match names; "
                         f"nothing was saved. Merge with `current` and send again with If-Match: {etag_of(current)}.",
        current=ItemSerializer(current).data, etag=etag_of(current),
        changed_fields=sorted({name for change in changes for name in change["fields"]}),
        changed_since={"version": since, "changes": changes})
    return _with_etag(Response(body, status=status.HTTP_412_PRECONDITION_FAILED), current)


def _changes_for_service(data: dict) -> dict:
    return {name: value for name, value in data.items() if name not in ("id", "version")}


ITEM_FILTERS = [
    OpenApiParameter("cloud", str, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
                     description="Cloud slug (a cloud outside your scope answers 404)."),
    OpenApiParameter("pillar", str, enum=Pillar.values),
    OpenApiParameter("area", str),
    OpenApiParameter("status", str, many=True, enum=ItemStatus.values),
    OpenApiParameter("owner", str, pattern=r"^(me|none|[0-9]{1,18})$", description="A user id, 'me' or 'none'."),
    OpenApiParameter("overdue", bool),
    OpenApiParameter("gating", bool),
    OpenApiParameter("q", str, description="Text in the code, title or notes."),
    OpenApiParameter("updated_since", OpenApiTypes.DATETIME,
                     description="Inclusive; ISO-8601 with a UTC offset. For sync, pass the newest updated_at "
                                 "you have seen minus a safety margin and de-duplicate by id and version."),
]


ITEM_LIST_PARAMETERS = {*ChecklistItemFilterSet.base_filters, "cloud", "updated_since", "cursor", "page_size"}


class ItemViewSet(viewsets.GenericViewSet):
    """Checklist items of the active checklists of the clouds you may see."""

    serializer_class = ItemSerializer
    pagination_class = KeysetPagination
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return visible_items(self.request.user).select_related(*ITEM_RELATIONS)

    def _visible_item(self, pk):
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(parameters=ITEM_FILTERS, responses={200: ItemSerializer(many=True), **READ, **NOT_FOUND})
    def list(self, request):
        unknown = sorted(set(request.query_params) - ITEM_LIST_PARAMETERS)
        if unknown:
            # A misspelt updated_since would silently turn an incremental sync into a full one.
            raise ValidationError({name: ["Unknown query parameter."] for name in unknown})
        queryset = self.get_queryset()
        slug = request.query_params.get("cloud")
        if slug is not None:
            if not SLUG.fullmatch(slug):
                raise ValidationError({"cloud": ["Give a cloud slug such as france."]})
            if not visible_clouds(request.user).filter(slug=slug).exists():
                raise Http404
            queryset = queryset.filter(checklist__cloud__slug=slug)
        if request.query_params.get("owner") == "me" and not isinstance(request.user, get_user_model()):
            raise ValidationError({"owner": ["'me' means the signed-in person; an API key is nobody. Give a user "
                                             "id, or 'none'."]})
        filterset = ChecklistItemFilterSet(request.query_params, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        queryset = filterset.qs
        since = updated_since_from(request.query_params)
        if since is not None:
            queryset = queryset.filter(updated_at__gte=since)
        rows, next_url = paginate(queryset, request, path=request.path)
        return Response({"next": next_url, "results": ItemSerializer(rows, many=True).data})

    @extend_schema(responses={200: OpenApiResponse(ItemSerializer, description='The item; its ETag header is its '
                                                                               'version, e.g. "3".'),
                              **COMMON, **NOT_FOUND})
    def retrieve(self, request, pk=None):
        item = self._visible_item(pk)
        return _with_etag(Response(ItemSerializer(item).data), item)

    @extend_schema(examples=[OpenApiExample("Block with a note", request_only=True, value={
        "status": ItemStatus.BLOCKED.value, "notes": "Waiting for the vendor's access list."})],
        request=ItemChangesSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True,
                                     description="The ETag of the version you are changing.")],
        responses={
            200: OpenApiResponse(ItemSerializer, description="Saved; ETag is the new version."),
            400: OpenApiResponse(Error, description="Invalid field values or unknown fields; nothing saved."),
            412: OpenApiResponse(ItemConflictSerializer,
                                 description="Stale If-Match: the current item (ETag: its version) and what changed "
                                             "since your version, by whom and when; nothing saved."),
            428: OpenApiResponse(Error, description="If-Match missing (or '*')."),
            **COMMON, **WRITE, **NOT_FOUND,
        },
    )
    def partial_update(self, request, pk=None):
        item = self._visible_item(pk)
        if not editable_items(request.user).filter(pk=item.pk).exists():
            raise PermissionDenied("You may see this item but not change it.")
        versions = if_match_versions(request)
        changes = ItemChangesSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        if item.version not in versions:
            return _stale(item, versions)
        data = dict(changes.validated_data)
        try:
            update_item(item=item, changes=data, actor=request.user, source=ChangeSource.API,
                        expected_version=item.version)
        except StaleVersionError:
            return _stale(self._visible_item(pk), versions)
        except DjangoValidationError as exc:
            raise ValidationError(error_dict(exc, non_field_key="non_field_errors")) from None
        saved = self._visible_item(pk)
        return _with_etag(Response(ItemSerializer(saved).data), saved)

    @extend_schema(examples=[OpenApiExample("Two rows", request_only=True, value={"items": [
            {"id": 1, "version": 1, "status": ItemStatus.IN_PROGRESS.value},
            {"id": 2, "version": 3, "owner": None, "due_date": "2027-03-31"}]})],
        request=ItemBulkSerializer,
        responses={
            200: BulkResponseSerializer,
            400: OpenApiResponse(Error, description="Every failing row in `errors`, or what is wrong with the body "
                                                    "in `fields`; nothing was saved."),
            **COMMON, **WRITE,
        },
        description=f"Change up to {MAX_BULK_ROWS} items at once, all or nothing. Each row: id, version "
                    "(the version you are changing) and the fields to change.",
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        envelope = BulkRequestSerializer(data=request.data)
        if not envelope.is_valid():
            return Response(error_body("invalid", f'The body must be {{"items": [...]}} with 1 to {MAX_BULK_ROWS} '
                                                  "rows.", fields=envelope.errors), status=status.HTTP_400_BAD_REQUEST)
        rows = envelope.validated_data["items"]
        errors, updates = [], []
        for index, row in enumerate(rows):
            parsed = BulkRowSerializer(data=row)
            if not parsed.is_valid():
                raw_id = row.get("id") if isinstance(row, dict) else None
                errors.append(row_error(index, "invalid", parsed.errors,
                                        id=raw_id if type(raw_id) is int else None))
                continue
            data = dict(parsed.validated_data)
            updates.append((index, ItemUpdate(data["id"], data["version"], _changes_for_service(data))))
        # Items the caller may see but not change answer 403, like a PATCH would; items outside
        # what the caller sees stay "not_found" rows, so nothing reveals that they exist.
        read_only = sorted(visible_items(request.user).filter(pk__in=[u.item_id for _, u in updates])
                           .exclude(pk__in=editable_items(request.user).values("pk")).values_list("pk", flat=True))
        if read_only:
            return Response(error_body("permission_denied", "You may see but not change item(s) "
                                       + ", ".join(map(str, read_only)) + "; nothing was saved."),
                            status=status.HTTP_403_FORBIDDEN)
        saved = None
        try:
            # Rows that failed validation above are reported together with the rows the service
            # refuses (stale, not found), so the service runs anyway and is rolled back.
            saved = write_unless(bool(errors), lambda: update_items(
                updates=[u for _, u in updates], actor=request.user, source=ChangeSource.API,
                allowed=editable_items(request.user)))
        except BulkUpdateError as exc:
            errors += [row_error(updates[e.index][0], e.code, e.fields, id=e.item_id) for e in exc.errors]
        if not errors:
            fresh = {item.pk: item for item in self.get_queryset().filter(pk__in=[i.pk for i in saved])}
            return Response({"items": ItemSerializer([fresh[i.pk] for i in saved], many=True).data})
        errors.sort(key=lambda row: row["index"])
        return Response(error_body("invalid", f"{len(errors)} row(s) failed; nothing was saved.", errors=errors),
                        status=status.HTTP_400_BAD_REQUEST)


class CloudViewSet(viewsets.GenericViewSet):
    """Clouds you may see, each with its latest scores, level, reason and forecast."""

    serializer_class = CloudSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"

    def get_queryset(self):
        return visible_clouds(self.request.user).prefetch_related("partner_links__partner").order_by("name")

    def _payload(self, clouds):
        scores = latest_scores([cloud.pk for cloud in clouds], timezone.localdate())
        return [_cloud_payload(cloud, scores[cloud.pk]) for cloud in clouds]

    @extend_schema(responses={200: CloudSerializer(many=True), **COMMON})
    def list(self, request):
        return Response(self._payload(list(self.get_queryset())))

    @extend_schema(responses={200: CloudSerializer, **COMMON, **NOT_FOUND})
    def retrieve(self, request, slug=None):
        cloud = get_object_or_404(self.get_queryset(), slug=slug)
        return Response(self._payload([cloud])[0])

    @extend_schema(
        parameters=[OpenApiParameter("since", OpenApiTypes.DATE,
                                     description=f"First day (default: 90 days ago; at most {HISTORY_MAX_DAYS}).")],
        responses={200: SnapshotSerializer(many=True), **READ, **NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def scores(self, request, slug=None):
        cloud = get_object_or_404(self.get_queryset(), slug=slug)
        today = timezone.localdate()
        raw = request.query_params.get("since")
        try:
            since = dt.date.fromisoformat(raw) if raw else today - dt.timedelta(days=89)
        except ValueError:
            raise ValidationError({"since": ["Use a date such as 2026-09-01."]}) from None
        if since < today - dt.timedelta(days=HISTORY_MAX_DAYS):
            raise ValidationError({"since": [f"At most {HISTORY_MAX_DAYS} days of history per request."]})
        rows = ScoreSnapshot.objects.filter(cloud=cloud, day__gte=since).order_by("day", "scope")
        return Response(SnapshotSerializer(rows, many=True).data)


def _cloud_payload(cloud, scores) -> dict:
    overall = scores.overall
    return {
        "slug": cloud.slug, "name": cloud.name, "country_code": cloud.country_code, "kind": cloud.kind,
        "stage": cloud.stage, "day1_date": cloud.day1_date,
        "partners": [{"slug": link.partner.slug, "name": link.partner.name, "role": link.role}
                     for link in cloud.partner_links.all()],
        "scores": {
            "day": overall.day if overall else None,
            "overall": overall.score if overall else None,
            "level": overall.level if overall else None,
            "reason": overall.reason if overall else None,
            "reason_text": REASON_TEXT.get(overall.reason) if overall else None,
            "pillars": {pillar: (scores.pillars[pillar].score if pillar in scores.pillars else None)
                        for pillar in Pillar.values},
            "open_gating": overall.open_gating_count if overall else None,
            "overdue": overall.overdue_count if overall else None,
            "forecast": {"status": overall.forecast_status, "reason": overall.forecast_reason,
                         "projected_date": overall.projected_date, "days_late": overall.days_late}
            if overall else None,
        },
    }


class FrameworkViewSet(viewsets.GenericViewSet):
    """Loaded readiness framework versions (read-only) and their requirements."""

    serializer_class = FrameworkSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return Framework.objects.annotate(requirement_count=Count("requirements")).order_by("slug", "version")

    @extend_schema(responses={200: FrameworkSerializer(many=True), **COMMON})
    def list(self, request):
        return Response(FrameworkSerializer(self.get_queryset(), many=True).data)

    @extend_schema(responses={200: FrameworkSerializer, **COMMON, **NOT_FOUND})
    def retrieve(self, request, pk=None):
        return Response(FrameworkSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(responses={200: RequirementSerializer(many=True), **COMMON, **NOT_FOUND})
    @action(detail=True, methods=["get"])
    def requirements(self, request, pk=None):
        framework = get_object_or_404(Framework.objects.all(), pk=pk)
        return Response(RequirementSerializer(framework.requirements.order_by("position"), many=True).data)
