"""Writing people: one person (browser form, API create and PATCH) or many matched by external id
(bulk API, CSV import), all or nothing, audited, and the clouds' automatic staffing items
brought up to date once the change commits.

Input comes validated for shape by people.staff_input; here are the rules of who may write
what (people.access): a partner writes only its own employees; program managers and
administrators any employer's, on the clouds they manage. Clouds outside the writer's scope
that a person already serves are kept, since the writer cannot see them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from clouds.access import partner_id_of, role_of
from clouds.choices import ChangeSource, UserRole
from clouds.models import Cloud, Partner
from people.access import assignable_clouds, editable_staff, may_write_people
from people.models import Screening, StaffMember, Training, default_expiry
from readiness import events
from readiness.snapshots.freshness import mark_stale

logger = logging.getLogger(__name__)
MAX_UPSERT_ROWS = 500
PERSON_FIELDS = ("full_name", "employer_id", "roles", "citizenships", "active", "external_id")

# Set by PeopleConfig.ready to the Celery task's `delay`, so this module needs no task import.
_enqueue_checks: Callable[[list[int]], object] | None = None


def set_checks_enqueuer(enqueue: Callable[[list[int]], object]) -> None:
    global _enqueue_checks
    _enqueue_checks = enqueue


class StaffWriteRefused(Exception):
    """The change breaks a rule; `errors` maps field -> messages. Nothing was written."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))


class StaleStaffError(Exception):
    """Someone saved the person since the version the caller started from."""

    def __init__(self, current: StaffMember) -> None:
        self.current = current
        super().__init__(f"{current} is at version {current.version}.")


@dataclass(frozen=True)
class RowError:
    index: int
    external_id: str | None
    fields: dict[str, list[str]]


class UpsertRefused(Exception):
    """Every failing row of a bulk upsert; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} row(s) failed; nothing was saved.")


@dataclass
class UpsertResult:
    created: list[StaffMember] = field(default_factory=list)
    updated: list[StaffMember] = field(default_factory=list)
    unchanged: list[StaffMember] = field(default_factory=list)
    staff: list[StaffMember] = field(default_factory=list)  # in row order


# -- the entry points --------------------------------------------------------------

def create_staff(*, data: Mapping[str, Any], actor: Any, source: str) -> StaffMember:
    """Create one person from validated input (people.staff_input.StaffInput)."""
    _refuse_readers(actor)
    with _same_id_at_once(), transaction.atomic():
        scope = _Scope.of(actor, [data])
        wanted = scope.resolve(data, current=None)
        if wanted.external_id and _taken(wanted.employer_id, wanted.external_id, exclude=None):
            raise StaffWriteRefused({"external_id": ["Another person of this employer already has this id."]})
        staff = StaffMember()
        _write(staff, wanted, actor=actor, source=source, old_clouds=set())
    return staff


def update_staff(*, staff: StaffMember, changes: Mapping[str, Any], actor: Any, source: str,
                 expected_version: int) -> StaffMember:
    """Apply validated changes (people.staff_input.StaffChanges) if the person is still at
    `expected_version`; returns the person (unchanged, same version, when nothing differs)."""
    _refuse_readers(actor)
    with _same_id_at_once(), transaction.atomic():
        current = _locked(editable_staff(actor)).filter(pk=staff.pk).first()
        if current is None:
            raise StaffWriteRefused({"non_field_errors": ["You may not change this person."]})
        if current.version != expected_version:
            raise StaleStaffError(current)
        _refuse_erased(current)
        scope = _Scope.of(actor, [changes])
        before = _State.of(current)
        wanted = scope.resolve(changes, current=current, before=before)
        if wanted == before:
            return current
        if wanted.external_id and _taken(wanted.employer_id, wanted.external_id, exclude=current.pk):
            raise StaffWriteRefused({"external_id": ["Another person of this employer already has this id."]})
        _write(current, wanted, actor=actor, source=source, old_clouds=set(before.cloud_ids), before=before)
    return current


def upsert_staff(*, rows: Sequence[Mapping[str, Any]], actor: Any, source: str,
                 max_rows: int = MAX_UPSERT_ROWS) -> UpsertResult:
    """Create or update each row's person, matched by (employer, external_id); all or nothing.

    Rows equal to what is stored write nothing, so sending the same roster twice changes
    nothing the second time.
    """
    _refuse_readers(actor)
    if len(rows) > max_rows:
        raise StaffWriteRefused({"non_field_errors": [f"At most {max_rows} people at once; got {len(rows)}."]})
    result = UpsertResult()
    with _same_id_at_once(), transaction.atomic():
        scope = _Scope.of(actor, rows)
        errors: list[RowError] = []
        keys: dict[tuple[int | None, str], int] = {}
        for index, row in enumerate(rows):
            external_id = row.get("external_id") or ""
            if not external_id:
                errors.append(RowError(index, None, {"external_id": ["Required: rows are matched on it."]}))
                continue
            try:
                employer_id = scope.employer_id(row.get("employer", scope.default_employer))
            except StaffWriteRefused as exc:
                errors.append(RowError(index, external_id, exc.errors))
                continue
            key = (employer_id, external_id)
            if key in keys:
                errors.append(RowError(index, external_id, {"external_id": [
                    "The same person (employer and external id) appears earlier in the same upload."]}))
                continue
            keys[key] = index
        existing = _existing(list(keys))
        editable = set(editable_staff(actor).filter(pk__in=[s.pk for s in existing.values()])
                       .values_list("pk", flat=True))
        states = _State.of_many(existing.values())
        work: list[tuple[int, StaffMember | None, _State, _State | None]] = []
        failed = {error.index for error in errors}
        for index, row in enumerate(rows):
            external_id = row.get("external_id") or ""
            if index in failed:
                continue
            key = (scope.employer_id(row.get("employer", scope.default_employer)), external_id)
            current = existing.get(key)
            if current is not None and current.pk not in editable:
                errors.append(RowError(index, external_id, {"external_id": [
                    "This id belongs to a person you may not change (serving none of your clouds)."]}))
                continue
            before = states.get(current.pk) if current is not None else None
            try:
                wanted = scope.resolve(row, current=current, before=before)
            except StaffWriteRefused as exc:
                errors.append(RowError(index, external_id, exc.errors))
                continue
            work.append((index, current, wanted, before))
        if errors:
            raise UpsertRefused(sorted(errors, key=lambda error: error.index))
        touched: set[int] = set()
        for _index, current, wanted, before in work:
            if current is not None and wanted == before:
                result.unchanged.append(current)
                result.staff.append(current)
                continue
            staff = current or StaffMember()
            old_clouds = set(before.cloud_ids) if before else set()
            _write(staff, wanted, actor=actor, source=source, old_clouds=old_clouds, before=before, mark=False)
            touched |= old_clouds | set(wanted.cloud_ids)
            (result.updated if current is not None else result.created).append(staff)
            result.staff.append(staff)
        changed_clouds(touched)  # once for the whole upload: one refresh and one check per cloud
    return result


# -- resolving input against the writer's scope ----------------------------------------

@dataclass(frozen=True)
class _State:
    """A person's stored values in a form that compares equal when nothing would change."""

    full_name: str
    employer_id: int | None
    roles: str
    citizenships: str
    active: bool
    external_id: str
    cloud_ids: tuple[int, ...]
    screenings: tuple[tuple[str, dt.date, dt.date], ...]
    trainings: tuple[tuple[str, dt.date, dt.date | None], ...]

    @classmethod
    def of(cls, staff: StaffMember) -> _State:
        return cls.of_many([staff])[staff.pk]

    @classmethod
    def of_many(cls, people: Iterable[StaffMember]) -> dict[int, _State]:
        people = list(people)
        ids = [person.pk for person in people]
        clouds: dict[int, list[int]] = {}
        for staff_id, cloud_id in StaffMember.clouds.through.objects.filter(staffmember_id__in=ids).values_list(
                "staffmember_id", "cloud_id"):
            clouds.setdefault(staff_id, []).append(cloud_id)
        screenings: dict[int, list] = {}
        for staff_id, *values in Screening.objects.filter(staff_id__in=ids).values_list(
                "staff_id", "kind", "completed_on", "expires_on"):
            screenings.setdefault(staff_id, []).append(tuple(values))
        trainings: dict[int, list] = {}
        for staff_id, *values in Training.objects.filter(staff_id__in=ids).values_list(
                "staff_id", "course", "completed_on", "expires_on"):
            trainings.setdefault(staff_id, []).append(tuple(values))
        return {person.pk: cls(person.full_name, person.employer_id, person.roles, person.citizenships,
                               person.active, person.external_id, tuple(sorted(clouds.get(person.pk, ()))),
                               _sorted_records(screenings.get(person.pk, ())),
                               _sorted_records(trainings.get(person.pk, ())))
                for person in people}


class _Scope:
    """What one writer may name: employers and clouds, read once per call."""

    def __init__(self, actor: Any, partners: dict[str, int], clouds: dict[str, int], own_partner: int | None) -> None:
        self.actor = actor
        self.partners = partners
        self.clouds = clouds
        self.own_partner = own_partner
        self.default_employer = None if own_partner is None else _slug_of(partners, own_partner)
        # A program manager sees people through the clouds they manage: a person they create must
        # serve one of them, or they would lose sight of it at once. (Taking someone off their own
        # clouds later is allowed: the person has left their projects.)
        self.must_keep_a_cloud = own_partner is None and role_of(actor) == UserRole.PROGRAM_MANAGER

    @classmethod
    def of(cls, actor: Any, rows: Iterable[Mapping[str, Any]]) -> _Scope:
        rows = list(rows)
        slugs = {row["employer"] for row in rows if row.get("employer")}
        own = partner_id_of(actor)
        partner_rows = Partner.objects.filter(slug__in=slugs) if own is None else \
            Partner.objects.filter(pk=own) | Partner.objects.filter(slug__in=slugs)
        partners = dict(partner_rows.values_list("slug", "pk"))
        clouds = dict(assignable_clouds(actor).values_list("slug", "pk"))
        return cls(actor, partners, clouds, own)

    def employer_id(self, slug: str | None) -> int | None:
        if self.own_partner is not None:
            if slug != self.default_employer:
                raise StaffWriteRefused({"employer": [
                    f"You may write only your own employees (employer {self.default_employer!r})."]})
            return self.own_partner
        if slug is None:
            return None
        if slug not in self.partners:
            raise StaffWriteRefused({"employer": [f"Unknown partner {slug!r}."]})
        return self.partners[slug]

    def resolve(self, data: Mapping[str, Any], *, current: StaffMember | None,
                before: _State | None = None) -> _State:
        """The person as they will be stored: `data` over `before` (their stored values)."""
        errors: dict[str, list[str]] = {}
        if current is not None and before is None:
            before = _State.of(current)
        employer_id = before.employer_id if before is not None else None
        if "employer" in data or current is None:
            try:
                employer_id = self.employer_id(data.get("employer", self.default_employer))
            except StaffWriteRefused as exc:
                errors.update(exc.errors)
        cloud_ids = before.cloud_ids if before is not None else ()
        if "clouds" in data:
            unknown = [slug for slug in data["clouds"] if slug not in self.clouds]
            if unknown:
                errors["clouds"] = [f"Unknown, or not a cloud you may staff: {', '.join(unknown)}."]
            outside = {cloud_id for cloud_id in cloud_ids if cloud_id not in set(self.clouds.values())}
            cloud_ids = tuple(sorted(outside | {self.clouds[slug] for slug in data["clouds"] if slug in self.clouds}))
        if current is None and self.must_keep_a_cloud and not set(cloud_ids) & set(self.clouds.values()):
            errors.setdefault("clouds", []).append(
                "Name at least one of the clouds you manage: " + ", ".join(sorted(self.clouds)) + ".")
        if errors:
            raise StaffWriteRefused(errors)

        def pick(name: str, stored: Any, convert: Callable[[Any], Any] = lambda value: value) -> Any:
            if name in data:
                return convert(data[name])
            return stored

        return _State(
            full_name=pick("full_name", before.full_name if before else ""),
            employer_id=employer_id,
            roles=pick("roles", before.roles if before else "", lambda roles: ",".join(sorted(roles))),
            citizenships=pick("citizenships", before.citizenships if before else "",
                              lambda codes: ",".join(sorted(codes))),
            active=pick("active", before.active if before else True),
            external_id=pick("external_id", before.external_id if before else ""),
            cloud_ids=cloud_ids,
            screenings=pick("screenings", before.screenings if before else (), lambda records: _sorted_records(
                (r["type"], r["completed_on"], r.get("expires_on") or default_expiry(r["completed_on"]))
                for r in records)),
            trainings=pick("trainings", before.trainings if before else (), lambda records: _sorted_records(
                (r["course"], r["completed_on"], r.get("expires_on")) for r in records)),
        )


# -- writing -------------------------------------------------------------------------

def _write(staff: StaffMember, wanted: _State, *, actor: Any, source: str, old_clouds: set[int],
           before: _State | None = None, mark: bool = True) -> None:
    if source not in ChangeSource.values:
        raise ValueError(f"Unknown change source {source!r}.")
    user = _user_of(actor)
    attrs = {"change_source": source, "api_key_name": getattr(actor, "audit_name", "") or ""}
    for name in PERSON_FIELDS:
        setattr(staff, name, getattr(wanted, name))
    creating = staff.pk is None
    staff.version = 1 if creating else staff.version + 1
    staff._change_source, staff._history_user = source, user
    staff._api_key_name = attrs["api_key_name"]
    staff._clouds_marked = True  # changed_clouds below, once for all (people.signals skips it)
    staff.save()
    if creating or set(wanted.cloud_ids) != old_clouds:
        staff.clouds.set(wanted.cloud_ids)
    old_screenings = set(before.screenings) if before else set()
    old_trainings = set(before.trainings) if before else set()
    _replace_records(staff, Screening, "kind", old_screenings, set(wanted.screenings), user, attrs)
    _replace_records(staff, Training, "course", old_trainings, set(wanted.trainings), user, attrs)
    # One event per cloud the person serves (or stopped serving), seen by their employer's tools only.
    events.record([events.Change(events.STAFF_CHANGED if cloud_id in wanted.cloud_ids else events.STAFF_REMOVED,
                                 "staff", staff.pk, cloud_id, {"version": staff.version},
                                 partner_id=staff.employer_id)
                   for cloud_id in sorted(old_clouds | set(wanted.cloud_ids))], actor=actor)
    if mark:
        changed_clouds(old_clouds | set(wanted.cloud_ids))


def changed_clouds(cloud_ids: Iterable[int], *, deleting: bool = False) -> None:
    """People or requirements of these clouds changed: their findings are refreshed with their
    scores (marked stale in this transaction), their automatic items once it commits.

    For a deletion, which may be a cloud's own (cascading to its requirements), both wait for
    the commit and skip clouds that are gone.
    """
    affected = sorted(set(cloud_ids))
    if not affected:
        return
    if deleting:
        transaction.on_commit(lambda: _after_deletion(affected))
        return
    mark_stale(affected)
    transaction.on_commit(lambda: enqueue_checks(affected))


def _after_deletion(cloud_ids: list[int]) -> None:
    remaining = list(Cloud.objects.filter(pk__in=cloud_ids).values_list("pk", flat=True))
    if remaining:
        with transaction.atomic():
            mark_stale(remaining)
        enqueue_checks(remaining)


def _replace_records(staff: StaffMember, model, kind_field: str, old: set, new: set, user, attrs) -> None:
    for kind, completed, expires in sorted(old - new, key=_record_key):
        for record in model.objects.filter(staff=staff, **{kind_field: kind}, completed_on=completed,
                                           expires_on=expires):
            record._change_source, record._history_user = attrs["change_source"], user
            record._api_key_name = attrs["api_key_name"]
            record._clouds_marked = True
            record.delete()
    added = [model(staff=staff, **{kind_field: kind}, completed_on=completed, expires_on=expires)
             for kind, completed, expires in sorted(new - old, key=_record_key)]
    if added:
        bulk_create_with_history(added, model, default_user=user, custom_historical_attrs=attrs)


def enqueue_checks(cloud_ids: list[int]) -> None:
    """Bring the clouds' automatic staffing items up to date; never raises (the daily run catches up)."""
    if _enqueue_checks is None:
        logger.warning("No staffing-check task is registered; clouds %s wait for the daily run.", cloud_ids)
        return
    try:
        _enqueue_checks(cloud_ids)
    except Exception:
        logger.warning("Could not run the staffing checks of clouds %s now (broker unavailable?); "
                       "the daily run sets them.", cloud_ids, exc_info=True)


# -- small helpers -------------------------------------------------------------------

@contextmanager
def _same_id_at_once():
    """Two writers creating the same (employer, external id) at the same moment: the database's
    unique constraint stops the second, which is told so instead of failing with a 500."""
    try:
        yield
    except IntegrityError:
        raise StaffWriteRefused({"external_id": [
            "Someone else saved a person with this id at the same moment; send it again to update them."]}) from None


def _refuse_readers(actor: Any) -> None:
    if not may_write_people(actor):
        raise StaffWriteRefused({"non_field_errors": ["You may not change people records."]})


def _refuse_erased(staff: StaffMember) -> None:
    if staff.erased_on is not None:
        raise StaffWriteRefused({"non_field_errors": [
            "This person's record was erased after their removal; it can no longer be changed."]})


def _locked(staff):
    return staff.model.objects.select_for_update().filter(pk__in=staff.values("pk"))


def _existing(keys: list[tuple[int | None, str]]) -> dict[tuple[int | None, str], StaffMember]:
    if not keys:
        return {}
    ids = {external_id for _, external_id in keys}
    found = StaffMember.objects.select_for_update().filter(external_id__in=ids).order_by("pk")
    wanted = set(keys)
    return {(person.employer_id, person.external_id): person for person in found
            if (person.employer_id, person.external_id) in wanted}


def _taken(employer_id: int | None, external_id: str, *, exclude: int | None) -> bool:
    return StaffMember.objects.filter(employer_id=employer_id, external_id=external_id).exclude(pk=exclude).exists()


def _sorted_records(records: Iterable[tuple]) -> tuple:
    return tuple(sorted(set(records), key=_record_key))


def _record_key(record: tuple) -> tuple:
    kind, completed, expires = record
    return (kind, completed, expires or dt.date.max)


def _slug_of(partners: dict[str, int], partner_id: int) -> str:
    return next(slug for slug, pk in partners.items() if pk == partner_id)


def _user_of(actor: Any):
    return actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None
