"""Reading a person's audit trail: which fields changed since a version (what a 412 tells a partner tool)."""

from __future__ import annotations

from itertools import pairwise

from people.models import Screening, StaffMember, Training

# The person's own columns as the history stores them -> as the API names them.
API_NAMES = {"full_name": "full_name", "employer_id": "employer", "roles": "roles", "citizenships": "citizenships",
             "active": "active", "external_id": "external_id"}
CHANGEABLE = sorted({*API_NAMES.values(), "clouds", "screenings", "trainings"})


def fields_changed_since(staff: StaffMember, version: int, visible_cloud_ids: set[int]) -> list[str]:
    """The API fields someone changed after `version` (empty if that version is not in the history).
    Cloud changes count only where they touch a cloud the caller may see."""
    records = list(staff.history.filter(version__gte=version).order_by("history_date", "history_id")
                   .prefetch_related("historicalstaffmember_clouds_set"))
    baselines = [position for position, record in enumerate(records) if record.version == version]
    if not baselines:
        return []
    records = records[baselines[-1]:]
    changed = set()
    for before, after in pairwise(records):
        changed |= {name for column, name in API_NAMES.items() if getattr(before, column) != getattr(after, column)}
        if _clouds(before) & visible_cloud_ids != _clouds(after) & visible_cloud_ids:
            changed.add("clouds")
    # A save writes the person, then their clouds and records: those written from the first later
    # version's save on belong to later versions.
    later = next((record for record in records if record.version > version), None)
    for model, name in ((Screening, "screenings"), (Training, "trainings")):
        if later is not None and model.history.filter(staff_id=staff.pk, history_date__gte=later.history_date).exists():
            changed.add(name)
    return sorted(changed)


def _clouds(record) -> set[int]:
    return {row.cloud_id for row in record.historicalstaffmember_clouds_set.all()}
