"""Who may support a cloud, and when coverage falls short: plain functions over plain values.

No Django here: the database side reads staff, their screenings and trainings, and each
cloud's staffing requirements into the frozen values below, and every page, job, API view
and test calls these functions with `today` passed in.

Definitions (README "People readiness"):
- A person is **eligible** for a requirement (a cloud and a role) on day D when they are
  active, serve that cloud in that role, hold a citizenship it allows (or it allows any),
  and hold every required screening and training with completed_on <= D < expires_on
  (a training without an expiry date never lapses).
- **Coverage** of a requirement on D is the number of eligible people; it is met when that
  number is at least the minimum.
- The **forecast** evaluates every day from today to today + horizon and gives the first
  day coverage falls short.
- A screening's **renewal is due** when it expires within the renewal window; it is
  **critical** when, if it lapses, coverage of a requirement the person counts for falls
  short on or before the day a renewal started today could complete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from readiness.terms import BLOCKED, DONE, IN_PROGRESS

ROLES = ("support_engineer", "escalation_engineer", "incident_manager", "duty_manager")


class Credential(NamedTuple):
    """A screening (kind: its type) or a training (kind: its course), valid completed_on <= D < expires_on.

    A NamedTuple rather than a dataclass: a portfolio's coverage builds one per record (about
    140,000 in bench/people.py), and tuples cost half as much to make."""

    kind: str
    completed_on: dt.date
    expires_on: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return self.completed_on <= day and (self.expires_on is None or day < self.expires_on)


@dataclass(frozen=True)
class Person:
    id: int
    active: bool
    roles: frozenset[str]
    clouds: frozenset[int]
    citizenships: frozenset[str]
    screenings: tuple[Credential, ...] = ()
    trainings: tuple[Credential, ...] = ()


@dataclass(frozen=True)
class Requirement:
    id: int
    cloud_id: int
    role: str
    minimum: int
    allowed_citizenships: frozenset[str] = frozenset()  # empty: any citizenship
    screenings: frozenset[str] = frozenset()
    trainings: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Coverage:
    requirement_id: int
    day: dt.date
    eligible: int
    minimum: int

    @property
    def met(self) -> bool:
        return self.eligible >= self.minimum


@dataclass(frozen=True)
class Forecast:
    requirement_id: int
    first_day: dt.date
    counts: tuple[int, ...]  # eligible headcount on first_day + n
    minimum: int
    first_shortfall: dt.date | None = None

    @property
    def met_throughout(self) -> bool:
        return self.first_shortfall is None


@dataclass(frozen=True)
class Renewal:
    person_id: int
    screening: str
    expires_on: dt.date
    critical: bool
    requirement_ids: tuple[int, ...] = field(default=())  # the requirements the person counts for


# -- eligibility ----------------------------------------------------------------

def may_count_for(person: Person, requirement: Requirement) -> bool:
    """Everything but the dates: active, serves the cloud in the role, an allowed citizenship."""
    return (person.active and requirement.role in person.roles and requirement.cloud_id in person.clouds
            and (not requirement.allowed_citizenships or bool(person.citizenships & requirement.allowed_citizenships)))


def is_eligible(person: Person, requirement: Requirement, day: dt.date) -> bool:
    return (may_count_for(person, requirement)
            and all(any(c.kind == kind and c.valid_on(day) for c in person.screenings)
                    for kind in requirement.screenings)
            and all(any(c.kind == kind and c.valid_on(day) for c in person.trainings)
                    for kind in requirement.trainings))


def coverage(people: Iterable[Person], requirement: Requirement, day: dt.date) -> Coverage:
    eligible = sum(1 for person in people if is_eligible(person, requirement, day))
    return Coverage(requirement.id, day, eligible, requirement.minimum)


# -- forecast -------------------------------------------------------------------

def eligible_days(person: Person, requirement: Requirement, first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    """The runs of days (as offsets from `first`, end exclusive) on which the person is eligible.

    Each required credential kind contributes the union of its validity intervals; eligibility
    is their intersection. Work is proportional to the person's credentials, not to the days.
    """
    if not may_count_for(person, requirement):
        return []
    span = (last - first).days + 1
    runs = [(0, span)]
    needs = [(kind, person.screenings) for kind in requirement.screenings] + \
            [(kind, person.trainings) for kind in requirement.trainings]
    for kind, credentials in needs:
        valid = _union([(max(0, (c.completed_on - first).days),
                         span if c.expires_on is None else min(span, (c.expires_on - first).days))
                        for c in credentials if c.kind == kind])
        runs = _intersect(runs, valid)
        if not runs:
            return []
    return runs


def forecast(people: Sequence[Person], requirement: Requirement, today: dt.date, horizon_days: int) -> Forecast:
    """Eligible headcount on each day from today to today + horizon_days, and the first shortfall."""
    span = horizon_days + 1
    last = today + dt.timedelta(days=horizon_days)
    delta = [0] * (span + 1)
    for person in people:
        for start, end in eligible_days(person, requirement, today, last):
            delta[start] += 1
            delta[end] -= 1
    counts, running = [], 0
    for offset in range(span):
        running += delta[offset]
        counts.append(running)
    short = next((offset for offset, count in enumerate(counts) if count < requirement.minimum), None)
    return Forecast(requirement.id, today, tuple(counts), requirement.minimum,
                    None if short is None else today + dt.timedelta(days=short))


# -- renewals -------------------------------------------------------------------

def renewals(people: Sequence[Person], requirements: Sequence[Requirement], today: dt.date, *,
             due_within_days: int, renewal_takes_days: int, horizon_days: int,
             forecasts: dict[int, Forecast] | None = None) -> list[Renewal]:
    """Screenings that expire within `due_within_days` and are the person's latest of their kind,
    soonest first; critical ones are marked (see the module docstring). `forecasts` (requirement id ->
    its forecast from today) saves computing them again when the caller has them."""
    forecasts = forecasts or {req.id: forecast(people, req, today, horizon_days) for req in requirements}
    due: list[Renewal] = []
    for person in people:
        if not person.active:
            continue  # removed: nothing to renew
        latest: dict[str, Credential] = {}
        for screening in person.screenings:
            if screening.expires_on is not None and (
                    screening.kind not in latest or latest[screening.kind].expires_on < screening.expires_on):
                latest[screening.kind] = screening
        for kind, screening in latest.items():
            expires = screening.expires_on
            if not today <= expires <= today + dt.timedelta(days=due_within_days):
                continue
            counted = [req for req in requirements if kind in req.screenings
                       and is_eligible(person, req, expires - dt.timedelta(days=1))]
            # A renewal started today is in place on `renewed_by`; until then the person is out.
            renewed_by = today + dt.timedelta(days=renewal_takes_days)
            critical = expires < renewed_by and any(
                _short_between(forecasts[req.id], expires, renewed_by) for req in counted)
            due.append(Renewal(person.id, kind, expires, critical, tuple(req.id for req in counted)))
    due.sort(key=lambda renewal: (not renewal.critical, renewal.expires_on, renewal.person_id, renewal.screening))
    return due


def _short_between(prediction: Forecast, start: dt.date, end: dt.date) -> bool:
    """Whether the forecast is short on some day in [start, end) (within its horizon)."""
    first = max(0, (start - prediction.first_day).days)
    last = (end - prediction.first_day).days
    return any(count < prediction.minimum for count in prediction.counts[first:last])


# -- intervals ------------------------------------------------------------------

def _union(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(interval for interval in intervals if interval[0] < interval[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _intersect(left: list[tuple[int, int]], right: list[tuple[int, int]]) -> list[tuple[int, int]]:
    result, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        start, end = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if start < end:
            result.append((start, end))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return result


# -- the staffing_coverage check --------------------------------------------------



@dataclass(frozen=True)
class CheckResult:
    status: str
    note: str


def staffing_check(people: Sequence[Person], requirements: Sequence[Requirement], roles: Iterable[str],
                   today: dt.date, horizon_days: int) -> CheckResult:
    """The status a `staffing_coverage` item should have: done while every requirement of the given
    roles (all of the cloud's when none are given) is met today and through the horizon; blocked when
    one is short today; in progress when one falls short later, or none is defined."""
    wanted = set(roles)
    relevant = [req for req in requirements if not wanted or req.role in wanted]
    label = ", ".join(role.replace("_", " ") for role in sorted(wanted)) or "any role"
    if not relevant:
        return CheckResult(IN_PROGRESS, f"No staffing requirement is defined for {label} on this cloud yet; "
                                        "add one so that coverage can be checked.")
    short_today, short_later, met = [], [], []
    for req in relevant:
        prediction = forecast(people, req, today, horizon_days)
        name = req.role.replace("_", " ")
        if prediction.counts[0] < req.minimum:
            short_today.append(f"{name}: {prediction.counts[0]} eligible of {req.minimum} needed")
        elif prediction.first_shortfall is not None:
            offset = (prediction.first_shortfall - today).days
            short_later.append(f"{name}: falls to {prediction.counts[offset]} of {req.minimum} on "
                               f"{prediction.first_shortfall.isoformat()}")
        else:
            met.append(f"{name}: {prediction.counts[0]} eligible of {req.minimum} needed")
    horizon_end = (today + dt.timedelta(days=horizon_days)).isoformat()
    if short_today:
        return CheckResult(BLOCKED, "Coverage is short today. " + "; ".join(short_today + short_later) + ".")
    if short_later:
        return CheckResult(IN_PROGRESS, f"Met today, but not through {horizon_end}. " + "; ".join(short_later) + ".")
    return CheckResult(DONE, f"Met today and through {horizon_end}. " + "; ".join(met) + ".")
