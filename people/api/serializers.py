"""API representations of people. Output only: input shapes live in people.staff_input."""

from __future__ import annotations

from rest_framework import serializers

from config.api.schema import ErrorSerializer
from people.staff_history import CHANGEABLE
from people.staff_input import ScreeningInput, StaffInput, TrainingInput
from people.staff_writes import MAX_UPSERT_ROWS


class StaffSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    full_name = serializers.CharField()
    employer = serializers.CharField(allow_null=True, help_text="Partner slug; null: the provider's own staff.")
    roles = serializers.ListField(child=serializers.CharField())
    citizenships = serializers.ListField(child=serializers.CharField())
    clouds = serializers.ListField(child=serializers.CharField(), help_text="Those of the clouds you may see.")
    active = serializers.BooleanField()
    screenings = ScreeningInput(many=True)
    trainings = TrainingInput(many=True)
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


def staff_payload(staff, visible_cloud_ids: set[int]) -> dict:
    """The representation above, from a person with employer, clouds, screenings and trainings loaded."""
    return {
        "id": staff.pk, "external_id": staff.external_id, "full_name": staff.full_name,
        "employer": staff.employer.slug if staff.employer else None,
        "roles": staff.role_list, "citizenships": staff.citizenship_list,
        "clouds": sorted(cloud.slug for cloud in staff.clouds.all() if cloud.pk in visible_cloud_ids),
        "active": staff.active,
        "screenings": [{"type": s.kind, "completed_on": s.completed_on.isoformat(),
                        "expires_on": s.expires_on.isoformat()} for s in staff.screenings.all()],
        "trainings": [{"course": t.course, "completed_on": t.completed_on.isoformat(),
                       "expires_on": t.expires_on.isoformat() if t.expires_on else None}
                      for t in staff.trainings.all()],
        "version": staff.version,
        "updated_at": serializers.DateTimeField().to_representation(staff.updated_at),
    }


class StaffBulkRequest(serializers.Serializer):
    staff = serializers.ListField(child=StaffInput(), min_length=1, max_length=MAX_UPSERT_ROWS)


class StaffConflictSerializer(ErrorSerializer):
    """The body of a 412 (code stale_version): the error, the current person with their ETag, and the
    fields changed since the caller's version."""

    current = StaffSerializer()
    etag = serializers.CharField(help_text='The current version\'s ETag (also the ETag header), e.g. "4".')
    changed_fields = serializers.ListField(child=serializers.ChoiceField(choices=CHANGEABLE),
                                           help_text="Fields someone changed since your version (empty if your "
                                                     "If-Match named no older version of this person).")


class StaffBulkResponse(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    staff = StaffSerializer(many=True)
