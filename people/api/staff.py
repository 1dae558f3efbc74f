"""/api/v1/staff/: the people behind a cloud's coverage, for partner tools.

A partner key reads and writes only its own employees; program managers those serving
the clouds they manage; executives see no names (coverage counts are at
/api/v1/clouds/{slug}/coverage/). Writes go through people.staff_writes.
"""

from __future__ import annotations

import re

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from clouds.access import visible_clouds
from clouds.choices import ChangeSource
from clouds.models import Cloud
from clouds.trial_write import write_unless
from config.api.error_body import error_body, row_error
from config.api.preconditions import if_match_versions
from config.api.schema import COMMON, Error
from people.access import may_write_people, named_staff
from people.api.serializers import (
    StaffBulkRequest,
    StaffBulkResponse,
    StaffConflictSerializer,
    StaffSerializer,
    staff_payload,
)
from people.models import Screening, StaffMember, Training
from people.staff_history import fields_changed_since
from people.staff_input import StaffChanges, StaffInput
from people.staff_writes import (
    MAX_UPSERT_ROWS,
    StaffWriteRefused,
    StaleStaffError,
    UpsertRefused,
    create_staff,
    update_staff,
    upsert_staff,
)
from readiness.api.keyset import KeysetPagination, paginate, updated_since_from

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LIST_PARAMETERS = {"cloud", "external_id", "active", "updated_since", "cursor", "page_size"}
NOT_FOUND = {404: OpenApiResponse(Error, description="Unknown, or not a person you may see by name (same answer).")}
WRITE = {
    400: OpenApiResponse(Error, description="Invalid or unknown fields, a cloud or employer you may not name; "
                                            "nothing saved."),
    403: OpenApiResponse(Error, description="You may not change people records (executives), or a session write "
                                            "without its CSRF token."),
    415: OpenApiResponse(Error, description="The body must be application/json."),
}


def _etag(staff: StaffMember) -> str:
    return f'"{staff.version}"'


PERSON_EXAMPLE = {"external_id": "emp-0042", "full_name": "Camille Martin", "employer": "souveraine-ops",
                  "roles": ["support_engineer"], "citizenships": ["FR"], "clouds": ["france"], "active": True,
                  "screenings": [{"type": "cloud_background_check", "completed_on": "2026-01-10"}],
                  "trainings": []}


class StaffViewSet(viewsets.GenericViewSet):
    """People you may see by name, with their screenings and trainings."""

    serializer_class = StaffSerializer
    pagination_class = KeysetPagination
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return self._loaded(named_staff(self.request.user))

    @staticmethod
    def _loaded(people):
        return people.select_related("employer").prefetch_related(
            Prefetch("clouds", queryset=Cloud.objects.only("pk", "slug")),
            Prefetch("screenings", queryset=Screening.objects.order_by("kind", "completed_on")),
            Prefetch("trainings", queryset=Training.objects.order_by("course", "completed_on")))

    def _respond(self, people, **kwargs) -> Response:
        visible = set(visible_clouds(self.request.user).values_list("pk", flat=True))
        return Response([staff_payload(staff, visible) for staff in people], **kwargs)

    def _one(self, pk) -> StaffMember:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _single(self, staff: StaffMember, code: int = status.HTTP_200_OK) -> Response:
        visible = set(visible_clouds(self.request.user).values_list("pk", flat=True))
        response = Response(staff_payload(staff, visible), status=code)
        response["ETag"] = _etag(staff)
        return response

    def _refuse_readers(self) -> None:
        if not may_write_people(self.request.user):
            raise PermissionDenied("You may not change people records.")

    @extend_schema(
        parameters=[
            OpenApiParameter("cloud", str, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
                             description="People serving this cloud (outside your scope: 404)."),
            OpenApiParameter("external_id", str, description="Exact match."),
            OpenApiParameter("active", str, enum=["true", "false"]),
            OpenApiParameter("updated_since", str, description="ISO-8601 with a UTC offset; inclusive."),
        ],
        responses={200: StaffSerializer(many=True), 400: OpenApiResponse(Error, description="Invalid parameter."),
                   **COMMON, 404: OpenApiResponse(Error, description="Cloud unknown or outside your scope.")})
    def list(self, request):
        params = request.query_params
        unknown = sorted(set(params) - LIST_PARAMETERS)
        if unknown:
            raise ValidationError({name: ["Unknown query parameter."] for name in unknown})
        people = self.get_queryset()
        slug = params.get("cloud")
        if slug is not None:
            if not SLUG.fullmatch(slug):
                raise ValidationError({"cloud": ["Give a cloud slug such as france."]})
            cloud = visible_clouds(request.user).filter(slug=slug).first()
            if cloud is None:
                raise Http404
            people = people.filter(pk__in=StaffMember.objects.filter(clouds=cloud).values("pk"))
        if "external_id" in params:
            people = people.filter(external_id=params["external_id"])
        if "active" in params:
            if params["active"] not in ("true", "false"):
                raise ValidationError({"active": ["Use true or false."]})
            people = people.filter(active=params["active"] == "true")
        since = updated_since_from(params)
        if since is not None:
            people = people.filter(updated_at__gte=since)
        rows, next_url = paginate(people, request, path=request.path)
        visible = set(visible_clouds(request.user).values_list("pk", flat=True))
        return Response({"next": next_url, "results": [staff_payload(staff, visible) for staff in rows]})

    @extend_schema(responses={200: OpenApiResponse(StaffSerializer, description='ETag: its version, e.g. "3".'),
                              **COMMON, **NOT_FOUND})
    def retrieve(self, request, pk=None):
        return self._single(self._one(pk))

    @extend_schema(examples=[OpenApiExample("A support engineer", request_only=True, value=PERSON_EXAMPLE)],
                   request=StaffInput, responses={
        201: OpenApiResponse(StaffSerializer, description="Created; ETag: its version."), **WRITE, **COMMON})
    def create(self, request):
        self._refuse_readers()
        data = StaffInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            staff = create_staff(data=data.validated_data, actor=request.user, source=ChangeSource.API)
        except StaffWriteRefused as exc:
            raise ValidationError(exc.errors) from None
        return self._single(self._one(staff.pk), status.HTTP_201_CREATED)

    @extend_schema(examples=[OpenApiExample("Deactivate", request_only=True, value={"active": False})],
        request=StaffChanges,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True,
                                     description="The ETag of the version you are changing.")],
        responses={200: OpenApiResponse(StaffSerializer, description="Saved; ETag is the new version."),
                   412: OpenApiResponse(StaffConflictSerializer, description="Stale If-Match: the current person "
                                                                             "(ETag: its version) and the fields "
                                                                             "changed since yours; nothing saved."),
                   428: OpenApiResponse(Error, description="If-Match missing (or '*')."),
                   **WRITE, **COMMON, **NOT_FOUND})
    def partial_update(self, request, pk=None):
        staff = self._one(pk)
        self._refuse_readers()
        versions = if_match_versions(request)
        changes = StaffChanges(data=request.data)
        changes.is_valid(raise_exception=True)
        if staff.version not in versions:
            return self._stale(pk, versions)
        try:
            update_staff(staff=staff, changes=changes.validated_data, actor=request.user, source=ChangeSource.API,
                         expected_version=staff.version)
        except StaleStaffError:
            return self._stale(pk, versions)
        except StaffWriteRefused as exc:
            raise ValidationError(exc.errors) from None
        # Read unscoped: a program manager who took the person off their last cloud no longer sees them.
        return self._single(self._loaded(StaffMember.objects.filter(pk=staff.pk)).get())

    def _stale(self, pk, versions: set[int]) -> Response:
        current = self._one(pk)
        visible = set(visible_clouds(self.request.user).values_list("pk", flat=True))
        older = [version for version in versions if version < current.version]
        body = error_body(
            "stale_version", f"This person is at version {current.version}, not the one your If-Match names; "
                             f"nothing was saved. Merge with `current` and send again with If-Match: "
                             f"{_etag(current)}.",
            current=staff_payload(current, visible), etag=_etag(current),
            changed_fields=fields_changed_since(current, max(older), visible) if older else [])
        response = Response(body, status=status.HTTP_412_PRECONDITION_FAILED)
        response["ETag"] = _etag(current)
        return response

    @extend_schema(examples=[OpenApiExample("A roster of one", request_only=True, value={"staff": [PERSON_EXAMPLE]})],
        request=StaffBulkRequest,
        responses={200: StaffBulkResponse,
                   400: OpenApiResponse(Error, description="Every failing row in `errors`, or what is wrong with "
                                                           "the body in `fields`; nothing was saved."),
                   **{code: value for code, value in WRITE.items() if code != 400}, **COMMON},
        description=f"Create or update up to {MAX_UPSERT_ROWS} people, matched by (employer, external_id), all or "
                    "nothing. Rows equal to what is stored change nothing (sending the same roster again is "
                    "a no-op). A row's screenings and trainings, when given, replace the stored ones.")
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        self._refuse_readers()
        body = request.data
        if not isinstance(body, dict) or set(body) != {"staff"} or not isinstance(body["staff"], list) \
                or not 1 <= len(body["staff"]) <= MAX_UPSERT_ROWS:
            return Response(error_body("invalid", f'The body must be {{"staff": [...]}} with 1 to {MAX_UPSERT_ROWS} '
                                                  "rows.", fields={"staff": [f"Give 1 to {MAX_UPSERT_ROWS} rows."]}),
                            status=status.HTTP_400_BAD_REQUEST)
        rows, errors = [], []
        for index, row in enumerate(body["staff"]):
            parsed = StaffInput(data=row)
            if parsed.is_valid():
                rows.append((index, parsed.validated_data))
            else:
                external_id = row.get("external_id") if isinstance(row, dict) else None
                errors.append(row_error(index, "invalid", parsed.errors,
                                        external_id=external_id if isinstance(external_id, str) else None))
        result = None
        if rows:
            # The rules run on the well-formed rows even when others are malformed, so that every
            # failing row is reported at once; the writes are then rolled back.
            try:
                result = write_unless(bool(errors), lambda: upsert_staff(
                    rows=[row for _, row in rows], actor=request.user, source=ChangeSource.API))
            except UpsertRefused as exc:
                errors += [row_error(rows[e.index][0], "invalid", e.fields, external_id=e.external_id)
                           for e in exc.errors]
            except StaffWriteRefused as exc:
                return Response(error_body("invalid", str(exc), fields=exc.errors), status=status.HTTP_400_BAD_REQUEST)
        if errors:
            errors.sort(key=lambda error: error["index"])
            return Response(error_body("invalid", f"{len(errors)} row(s) failed; nothing was saved.", errors=errors),
                            status=status.HTTP_400_BAD_REQUEST)
        # Read unscoped, as after a PATCH: the caller just wrote these people.
        fresh = {staff.pk: staff for staff in self._loaded(StaffMember.objects.filter(
            pk__in=[s.pk for s in result.staff]))}
        visible = set(visible_clouds(request.user).values_list("pk", flat=True))
        return Response({"created": len(result.created), "updated": len(result.updated),
                         "unchanged": len(result.unchanged),
                         "staff": [staff_payload(fresh[s.pk], visible) for s in result.staff]})
