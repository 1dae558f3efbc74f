"""What the people pages show, as plain values: each requirement's coverage today and forecast, each
credential's state, who counts today, counts by role, and renewal rows with or without names.

Plain functions over people.coverage values (no queries here): the views read the database through
people.queries and pass names only for the people the user may see by name (people.access.named_staff).
Anyone not in `names` appears in counts only, so no function here can put their name on a page.

Roster rows carry their dates already written out (day_formatter): a roster of 400 people has thousands
of them, and the template filter date costs far more per call than formatting them here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.dates import MONTHS_3

from people.coverage import ROLES, Credential, Forecast, Person, Renewal, Requirement, forecast, is_eligible
from people.models import ScreeningType, StaffRole

VALID = "valid"
EXPIRES_SOON = "expires_soon"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
STATE_LABELS = {VALID: "Valid", EXPIRES_SOON: "Expires soon", EXPIRED: "Expired", NOT_YET_VALID: "Not yet valid"}
PROVIDER = "Cloud provider"  # the employer shown for staff with no partner employer

ROLE_LABELS = dict(StaffRole.choices)
SCREENING_LABELS = dict(ScreeningType.choices)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.replace("_", " "))


def screening_label(kind: str) -> str:
    return SCREENING_LABELS.get(kind, kind.replace("_", " "))


def employer_label(name: str) -> str:
    return name or PROVIDER


def day_formatter() -> Callable[[dt.date], str]:
    """A function writing a date as the template filter date:"j M Y" does ("5 Mar 2027"), with the month
    names of the language active when it is made: make one per page."""
    months = ("", *(MONTHS_3[month].title() for month in range(1, 13)))
    return lambda day: f"{day.day} {months[day.month]} {day.year:04d}"


# -- credentials -----------------------------------------------------------------

def credential_state(credential: Credential, today: dt.date, soon_days: int) -> str:
    """Valid; expires soon (within `soon_days`, the renewal window); expired; or not yet valid."""
    if credential.completed_on > today:
        return NOT_YET_VALID
    if credential.expires_on is None:
        return VALID
    if credential.expires_on <= today:
        return EXPIRED
    return EXPIRES_SOON if (credential.expires_on - today).days <= soon_days else VALID


def latest_of_each_kind(credentials: Iterable[Credential]) -> list[Credential]:
    """The latest record of each type (a renewal replaces the record it renews), by type."""
    latest: dict[str, Credential] = {}
    for credential in credentials:
        known = latest.get(credential.kind)
        if known is None or _lasts(credential) > _lasts(known):
            latest[credential.kind] = credential
    return [latest[kind] for kind in sorted(latest)]


def _lasts(credential: Credential) -> tuple[dt.date, dt.date]:
    return credential.expires_on or dt.date.max, credential.completed_on


@dataclass(frozen=True, slots=True)
class CredentialRow:
    kind: str
    label: str
    completed_on: dt.date
    expires_on: dt.date | None
    state: str
    state_label: str
    expires_iso: str  # "" without an expiry date; else as <time datetime> wants it
    expires_text: str  # "" without an expiry date; else as the page shows it (day_formatter)


def credential_rows(credentials: Iterable[Credential], today: dt.date, soon_days: int, *, screenings: bool,
                    format_day: Callable[[dt.date], str] | None = None) -> tuple[CredentialRow, ...]:
    """The latest record of each type, with its state and expiry written out (`format_day`: one
    day_formatter() shared by the page's rows; a new one when not given)."""
    format_day = format_day or day_formatter()
    rows = []
    for c in latest_of_each_kind(credentials):
        state = credential_state(c, today, soon_days)
        expires = c.expires_on
        rows.append(CredentialRow(c.kind, screening_label(c.kind) if screenings else c.kind, c.completed_on, expires,
                                  state, STATE_LABELS[state], expires.isoformat() if expires else "",
                                  format_day(expires) if expires else ""))
    return tuple(rows)


# -- requirements ------------------------------------------------------------------

@dataclass(frozen=True)
class RequirementRow:
    requirement: Requirement
    forecast: Forecast
    expiries: tuple[dt.date, ...]  # within the horizon, of the required screenings of the people counted today

    @property
    def role(self) -> str:
        return self.requirement.role

    @property
    def label(self) -> str:
        return role_label(self.requirement.role)

    @property
    def minimum(self) -> int:
        return self.requirement.minimum

    @property
    def eligible_today(self) -> int:
        return self.forecast.counts[0]

    @property
    def met_today(self) -> bool:
        return self.eligible_today >= self.minimum

    @property
    def first_shortfall(self) -> dt.date | None:
        return self.forecast.first_shortfall

    @property
    def citizenships(self) -> list[str]:
        return sorted(self.requirement.allowed_citizenships)

    @property
    def screenings(self) -> list[str]:
        return [screening_label(kind) for kind in sorted(self.requirement.screenings)]

    @property
    def trainings(self) -> list[str]:
        return sorted(self.requirement.trainings)


def requirement_rows(people: Sequence[Person], requirements: Sequence[Requirement], today: dt.date,
                     horizon_days: int) -> list[RequirementRow]:
    """Each requirement's forecast over the horizon, with the screening expiries that can lower it; in the
    order of the roles (support engineer first)."""
    last = today + dt.timedelta(days=horizon_days)
    ordered = sorted(requirements, key=lambda req: (ROLES.index(req.role) if req.role in ROLES else len(ROLES),
                                                    req.role, req.id))
    return [RequirementRow(req, forecast(people, req, today, horizon_days),
                           tuple(expiry_dates(people, req, today, last))) for req in ordered]


def expiry_dates(people: Iterable[Person], requirement: Requirement, today: dt.date, last: dt.date) -> list[dt.date]:
    """For each person counted today, the expiry of the latest screening of each type the requirement
    needs, when it falls after today and on or before `last`: the days coverage may drop. Sorted."""
    found = []
    for person in people:
        if not is_eligible(person, requirement, today):
            continue
        for screening in latest_of_each_kind(c for c in person.screenings if c.kind in requirement.screenings):
            if screening.expires_on is not None and today < screening.expires_on <= last:
                found.append(screening.expires_on)
    return sorted(found)


# -- the roster ----------------------------------------------------------------------

@dataclass(frozen=True)
class RosterRow:
    person_id: int
    name: str
    external_id: str
    employer: str
    roles: tuple[str, ...]
    citizenships: tuple[str, ...]
    active: bool
    screenings: tuple[CredentialRow, ...]
    trainings: tuple[CredentialRow, ...]
    counts_for: tuple[str, ...]  # labels of the roles whose requirement the person meets today

    @property
    def counts_today(self) -> bool:
        return bool(self.counts_for)

    # As the page writes the lists (what the template filter join:", " gives, without its cost per row).
    @property
    def roles_text(self) -> str:
        return ", ".join(self.roles)

    @property
    def citizenships_text(self) -> str:
        return ", ".join(self.citizenships)

    @property
    def counts_for_text(self) -> str:
        return ", ".join(self.counts_for)


def counted_for(person: Person, requirements: Iterable[Requirement], today: dt.date) -> list[Requirement]:
    return [req for req in requirements if is_eligible(person, req, today)]


def roster_rows(people: Iterable[Person], requirements: Sequence[Requirement], today: dt.date, *,
                names: dict[int, tuple[str, str]], employers: dict[int, str], soon_days: int) -> list[RosterRow]:
    """One row per person in `names` (whom the user may see by name), by name; nobody else."""
    format_day = day_formatter()
    rows = [RosterRow(
        person.id, names[person.id][0], names[person.id][1], employer_label(employers.get(person.id, "")),
        tuple(role_label(role) for role in ROLES if role in person.roles), tuple(sorted(person.citizenships)),
        person.active, credential_rows(person.screenings, today, soon_days, screenings=True, format_day=format_day),
        credential_rows(person.trainings, today, soon_days, screenings=False, format_day=format_day),
        tuple(role_label(req.role) for req in counted_for(person, requirements, today)),
    ) for person in people if person.id in names]
    rows.sort(key=lambda row: (row.name.casefold(), row.person_id))
    return rows


@dataclass(frozen=True)
class RoleCount:
    role: str
    label: str
    headcount: int
    active: int
    counted_today: int
    by_employer: tuple[tuple[str, int], ...]


def role_counts(people: Sequence[Person], requirements: Sequence[Requirement], today: dt.date, *,
                employers: dict[int, str]) -> list[RoleCount]:
    """Headcount, active and counted today per role (roles with people or a requirement), and the
    headcount by employer: what the page shows of people the user may not see by name."""
    by_role = {req.role: req for req in requirements}
    counts = []
    for role in ROLES:
        holders = [person for person in people if role in person.roles]
        if not holders and role not in by_role:
            continue
        requirement = by_role.get(role)
        employer_counts = Counter(employer_label(employers.get(person.id, "")) for person in holders)
        counts.append(RoleCount(
            role, role_label(role), len(holders), sum(1 for person in holders if person.active),
            0 if requirement is None else sum(1 for person in holders if is_eligible(person, requirement, today)),
            tuple(sorted(employer_counts.items())),
        ))
    return counts


# -- renewals ------------------------------------------------------------------------

@dataclass(frozen=True)
class RenewalRow:
    cloud_slug: str
    cloud_name: str
    name: str  # "" when the user may not see the person by name
    people: int  # 1 for a named row; how many people an anonymous row stands for
    employer: str
    roles: tuple[str, ...]
    screening: str
    expires_on: dt.date
    critical: bool

    @property
    def anonymous(self) -> bool:
        return not self.name


def renewal_rows(due: Iterable[tuple[str, str, Renewal]], people: dict[int, Person], *,
                 names: dict[int, tuple[str, str]], employers: dict[int, str]) -> list[RenewalRow]:
    """Renewal rows from (cloud slug, cloud name, renewal): by name for the people in `names`; the others
    grouped by cloud, employer, roles, screening, expiry and criticality, as a count. Critical first,
    then by expiry, cloud, named before anonymous, name."""
    named: list[RenewalRow] = []
    anonymous: Counter[tuple] = Counter()
    for slug, cloud_name, renewal in due:
        person = people[renewal.person_id]
        roles = tuple(role_label(role) for role in ROLES if role in person.roles)
        employer = employer_label(employers.get(person.id, ""))
        if person.id in names:
            named.append(RenewalRow(slug, cloud_name, names[person.id][0], 1, employer, roles,
                                    screening_label(renewal.screening), renewal.expires_on, renewal.critical))
        else:
            anonymous[(slug, cloud_name, employer, roles, screening_label(renewal.screening), renewal.expires_on,
                       renewal.critical)] += 1
    rows = named + [RenewalRow(slug, cloud_name, "", count, employer, roles, screening, expires, critical)
                    for (slug, cloud_name, employer, roles, screening, expires, critical), count in anonymous.items()]
    rows.sort(key=lambda row: (not row.critical, row.expires_on, row.cloud_name, row.anonymous, row.name.casefold(),
                               row.employer, row.roles, row.screening))
    return rows


def renewal_counts(rows: Iterable[RenewalRow]) -> tuple[int, int]:
    """(renewals due, of which critical), counting each person once per row."""
    due = critical = 0
    for row in rows:
        due += row.people
        critical += row.people if row.critical else 0
    return due, critical
