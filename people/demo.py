"""The demo's staff rosters: realistic, deterministic people for every demo cloud.

How it is wired: readiness seeds the demo portfolio (readiness/demo.py) but may not import
people (the layers run clouds <- readiness <- people). readiness.demo therefore keeps a small
registry of demo extensions, functions called with the seed report and the seeding day inside
seed_demo's transaction, after the clouds and checklists exist and before the score history is
rebuilt; PeopleConfig.ready registers `seed_rosters` there, the same way it registers the
staffing_coverage check. One `seed_demo` run (and `make run`) therefore seeds everything in one
transaction, and readiness learns about people only through what people registers.

What it creates, only where missing: a cloud gets its roster (its four staffing requirements and
the people serving it) when it has neither requirements nor staff, so an edited roster is kept
and a deleted cloud gets its roster back; people are found again by employer and external id.
Then every demo cloud's automatic checklist items are set by people.services.apply_staffing_checks,
which changes nothing when they are already true (the same day's second run writes nothing).

The story the rosters tell (dates from the seeding day, Switzerland's from its Day 1):
- France and Germany: EU citizens for engineers and incident managers, nationals for duty
  managers (with a national clearance); a provider escalation team of EU citizens serves
  France, Germany and the Netherlands.
- US Government: US persons only, public trust for engineers, national clearance for managers.
- Singapore: Singapore citizens only.
- Launched clouds keep enough spare people that coverage holds through the forecast horizon,
  while several screenings fall due for renewal within 90 days.
- Switzerland (pre-launch): two support engineers' screenings lapse 21 days before Day 1, so
  coverage falls below its minimum then; both renewals are critical.
- Netherlands (Day 1 in ten days): one support engineer's screening is still pending, so
  support coverage is short today.
Names come from fixed lists; the remaining dates from generators seeded by each person's id.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace

from simple_history.utils import bulk_create_with_history

from clouds.choices import ChangeSource
from clouds.models import Cloud, Partner
from people.models import Screening, ScreeningType, StaffingRequirement, StaffMember, StaffRole, Training
from people.services import apply_staffing_checks
from readiness.demo import CLOUDS, SeedReport
from readiness.snapshots.freshness import mark_stale

SUPPORT, ESCALATION, INCIDENT, DUTY = (StaffRole.SUPPORT_ENGINEER, StaffRole.ESCALATION_ENGINEER,
                                       StaffRole.INCIDENT_MANAGER, StaffRole.DUTY_MANAGER)
BACKGROUND, CLEARANCE, PUBLIC_TRUST = (ScreeningType.CLOUD_BACKGROUND_CHECK, ScreeningType.NATIONAL_CLEARANCE,
                                       ScreeningType.PUBLIC_TRUST)
SOVEREIGN_BOUNDARY, INCIDENT_COMMAND = "sovereign-boundary", "incident-command"

# Days a screening of each type lasts (a cloud background check: the portal's default of two years).
VALIDITY_DAYS = {BACKGROUND: 730, CLEARANCE: 1825, PUBLIC_TRUST: 1825}
ROLE_CODES = {SUPPORT: "SE", ESCALATION: "EE", INCIDENT: "IM", DUTY: "DM"}
EU = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
      "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")
DEMO_REASON = "demo data"

NAMES = {
    "FR": (("Camille", "Julien", "Sophie", "Thomas", "Manon", "Nicolas", "Chloé", "Antoine", "Léa", "Hugo",
            "Inès", "Mathieu"),
           ("Martin", "Bernard", "Dubois", "Durand", "Leroy", "Moreau", "Laurent", "Simon", "Lefebvre", "Roux",
            "Fournier", "Girard")),
    "DE": (("Jonas", "Lena", "Felix", "Hannah", "Lukas", "Mia", "Paul", "Sophie", "Leon", "Emma", "Tobias",
            "Katrin"),
           ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Schulz",
            "Koch", "Richter")),
    "SG": (("Wei Ling", "Jun Jie", "Siti", "Arjun", "Mei Hua", "Darren", "Nurul", "Kavitha", "Marcus", "Hui Min"),
           ("Tan", "Lim", "Ng", "Wong", "Lee", "Chua", "Rahman", "Krishnan", "Goh", "Teo")),
    "US": (("Jordan", "Taylor", "Morgan", "Casey", "Avery", "Riley", "Jamie", "Drew", "Cameron", "Quinn"),
           ("Hayes", "Brooks", "Carter", "Reed", "Mitchell", "Perry", "Sullivan", "Foster", "Coleman", "Bennett")),
    "CH": (("Nina", "Luca", "Lara", "Noah", "Elena", "Matteo", "Sara", "Reto", "Anja", "Urs"),
           ("Keller", "Meier", "Brunner", "Baumann", "Frei", "Gerber", "Huber", "Widmer", "Zimmermann", "Moser")),
    "NL": (("Sanne", "Daan", "Femke", "Bram", "Lotte", "Ruben", "Anouk", "Jeroen", "Eva", "Thijs"),
           ("Bakker", "de Jong", "Jansen", "Visser", "Smit", "Mulder", "de Boer", "Bos", "Vos", "Dijkstra")),
    "BE": (("Lucas", "Elise", "Wout", "Margot"), ("Janssens", "Peeters", "Maes", "Dupont")),
    "IT": (("Giulia", "Marco", "Chiara", "Luca"), ("Rossi", "Bianchi", "Romano", "Colombo")),
    "ES": (("Lucía", "Javier", "Marta", "Pablo"), ("García", "Fernández", "López", "Martínez")),
    "AT": (("Florian", "Katharina", "Stefan", "Julia"), ("Gruber", "Huber", "Bauer", "Wagner")),
    "PL": (("Katarzyna", "Piotr", "Agnieszka", "Tomasz"), ("Nowak", "Kowalski", "Wiśniewska", "Wójcik")),
    "IE": (("Aoife", "Cian", "Niamh", "Ciarán"), ("Murphy", "Kelly", "O'Brien", "Byrne")),
    "PT": (("João", "Inês", "Rui", "Beatriz"), ("Silva", "Santos", "Ferreira", "Costa")),
}


@dataclass(frozen=True)
class Need:
    """A staffing requirement: how many people in a role, and what makes them eligible."""

    role: str
    minimum: int
    citizenships: tuple[str, ...]  # allowed; empty: any
    screenings: tuple[str, ...]
    trainings: tuple[str, ...] = (SOVEREIGN_BOUNDARY,)


@dataclass(frozen=True)
class Crew:
    """The people in one role: one entry of `citizenships` per person ("FR" or "FR,CA").

    The first people's first required screening expires on the given days: `expiring` counts
    from the seeding day, `lapsing_before_day1` back from the cloud's Day 1. The last `pending`
    people have no screening yet; the first `renewed` people with a comfortable expiry also
    keep the screening their renewal replaced.
    """

    role: str
    citizenships: tuple[str, ...]
    expiring: tuple[int, ...] = ()
    lapsing_before_day1: tuple[int, ...] = ()
    pending: int = 0
    renewed: int = 0
    prefix: str = ""  # external id prefix; empty: the roster's
    employer: str | None = ""  # partner slug; "": the cloud's operator; None: the provider
    screenings: tuple[str, ...] | None = None  # None: those the roster requires for the role


@dataclass(frozen=True)
class Roster:
    cloud: str
    prefix: str
    needs: tuple[Need, ...]
    crews: tuple[Crew, ...]


# The provider's own escalation team: EU citizens, employed by the provider, serving three clouds.
PROVIDER_ESCALATION = Crew(ESCALATION, ("IE", "NL", "PT"), prefix="EU", employer=None, screenings=(BACKGROUND,))

ROSTERS = (
    Roster("france", "FR", (
        Need(SUPPORT, 8, EU, (BACKGROUND,)),
        Need(ESCALATION, 4, EU, (BACKGROUND,)),
        Need(INCIDENT, 3, EU, (BACKGROUND,), (SOVEREIGN_BOUNDARY, INCIDENT_COMMAND)),
        Need(DUTY, 3, ("FR",), (CLEARANCE, BACKGROUND), (SOVEREIGN_BOUNDARY, INCIDENT_COMMAND)),
    ), (
        Crew(SUPPORT, ("FR", "FR", "FR", "BE", "FR", "IT", "FR", "FR,CA", "ES", "FR", "FR"), expiring=(23, 67, 128),
             renewed=1),
        Crew(ESCALATION, ("FR", "FR", "BE"), expiring=(45,)),
        PROVIDER_ESCALATION,
        Crew(INCIDENT, ("FR", "IT", "FR", "FR"), expiring=(81,)),
        Crew(DUTY, ("FR", "FR", "FR", "FR,MA"), expiring=(150,)),
    )),
    Roster("germany", "DE", (
        Need(SUPPORT, 7, EU, (BACKGROUND,)),
        Need(ESCALATION, 3, EU, (BACKGROUND,)),
        Need(INCIDENT, 2, EU, (BACKGROUND,), (SOVEREIGN_BOUNDARY, INCIDENT_COMMAND)),
        Need(DUTY, 3, ("DE",), (CLEARANCE, BACKGROUND), (SOVEREIGN_BOUNDARY, INCIDENT_COMMAND)),
    ), (
        Crew(SUPPORT, ("DE", "DE", "AT", "DE", "PL", "DE", "DE", "NL", "DE", "DE"), expiring=(12, 55, 160)),
        Crew(ESCALATION, ("DE", "DE")),
        PROVIDER_ESCALATION,
        Crew(INCIDENT, ("DE", "AT", "DE"), expiring=(30,)),
        Crew(DUTY, ("DE", "DE", "DE,TR", "DE"), expiring=(88,), renewed=1),
    )),
    Roster("singapore", "SG", (
        Need(SUPPORT, 6, ("SG",), (BACKGROUND,)),
        Need(ESCALATION, 3, ("SG",), (BACKGROUND,)),
        Need(INCIDENT, 2, ("SG",), (BACKGROUND,), (SOVEREIGN_BOUNDARY, INCIDENT_COMMAND)),
        Need(DUTY, 2, ("SG",), (BACKGROUND,), (SOVEREIGN_BOUNDARY, INCIDENT_COMMAND)),
    ), (
        Crew(SUPPORT, ("SG",) * 8, expiring=(40, 75)),
        Crew(ESCALATION, ("SG",) * 4, expiring=(100,)),
        Crew(INCIDENT, ("SG",) * 3),
        Crew(DUTY, ("SG",) * 3, expiring=(19,)),
    )),
    Roster("us-government", "US", (
        Need(SUPPORT, 8, ("US",), (PUBLIC_TRUST,)),
        Need(ESCALATION, 4, ("US",), (PUBLIC_TRUST,)),
        Need(INCIDENT, 3, ("US",), (CLEARANCE,), (SOVEREIGN_BOUNDARY, INCIDENT_COMMAND)),
        Need(DUTY, 3, ("US",), (CLEARANCE,), (SOVEREIGN_BOUNDARY, INCIDENT_COMMAND)),
    ), (
        Crew(SUPPORT, ("US",) * 10, expiring=(9, 52)),
        Crew(ESCALATION, ("US",) * 5, expiring=(170,)),
        Crew(INCIDENT, ("US",) * 4, expiring=(61,)),
        Crew(DUTY, ("US",) * 4, expiring=(33,)),
    )),
    Roster("switzerland", "CH", (
        Need(SUPPORT, 4, ("CH",), (BACKGROUND,)),
        Need(ESCALATION, 2, ("CH",), (BACKGROUND,)),
        Need(INCIDENT, 2, ("CH",), (BACKGROUND,), (SOVEREIGN_BOUNDARY, INCIDENT_COMMAND)),
        Need(DUTY, 2, ("CH",), (BACKGROUND,), (SOVEREIGN_BOUNDARY, INCIDENT_COMMAND)),
    ), (
        Crew(SUPPORT, ("CH",) * 5, lapsing_before_day1=(21, 21)),
        Crew(ESCALATION, ("CH",) * 3),
        Crew(INCIDENT, ("CH",) * 3),
        Crew(DUTY, ("CH",) * 3),
    )),
    Roster("netherlands", "NL", (
        Need(SUPPORT, 6, EU, (BACKGROUND,)),
        Need(ESCALATION, 3, EU, (BACKGROUND,)),
        Need(INCIDENT, 2, EU, (BACKGROUND,), (SOVEREIGN_BOUNDARY, INCIDENT_COMMAND)),
        Need(DUTY, 3, ("NL",), (BACKGROUND,), (SOVEREIGN_BOUNDARY, INCIDENT_COMMAND)),
    ), (
        Crew(SUPPORT, ("NL", "NL", "BE", "NL", "NL", "NL"), pending=1),
        Crew(ESCALATION, ("NL",)),
        PROVIDER_ESCALATION,
        Crew(INCIDENT, ("NL", "NL", "BE")),
        Crew(DUTY, ("NL",) * 4, expiring=(70,)),
    )),
)


@dataclass(frozen=True)
class PlannedScreening:
    kind: str
    expires_in: int  # days from the anchor
    from_day1: bool = False  # anchor: the cloud's Day 1 (else the seeding day)


@dataclass(frozen=True)
class PlannedPerson:
    external_id: str
    employer: str | None
    full_name: str
    role: str
    citizenships: str
    clouds: tuple[str, ...]
    screenings: tuple[PlannedScreening, ...]
    trainings: tuple[tuple[str, int], ...]  # (course, completed this many days before the seeding day)
    anchor_cloud: str = ""  # whose Day 1 anchors screenings with from_day1


@dataclass
class _Names:
    """Hands out distinct names per nationality, in a fixed order."""

    used: dict[str, int] = field(default_factory=dict)

    def next(self, nationality: str) -> str:
        firsts, lasts = NAMES[nationality]
        n = self.used.get(nationality, 0)
        self.used[nationality] = n + 1
        return f"{firsts[n % len(firsts)]} {lasts[(n + n // len(firsts)) % len(lasts)]}"


def planned_people() -> list[PlannedPerson]:
    """Everyone in the demo rosters, in a fixed order; a crew listed by several clouds is one set of people."""
    partner_of = {plan.slug: plan.partner for plan in CLOUDS}
    names = _Names()
    people: dict[str, PlannedPerson] = {}
    for roster in ROSTERS:
        needs = {need.role: need for need in roster.needs}
        for crew in roster.crews:
            employer = partner_of[roster.cloud] if crew.employer == "" else crew.employer
            prefix = crew.prefix or roster.prefix
            kinds = crew.screenings if crew.screenings is not None else needs[crew.role].screenings
            courses = needs[crew.role].trainings
            for index, citizenships in enumerate(crew.citizenships):
                external_id = f"{prefix}-{ROLE_CODES[crew.role]}-{index + 1:02d}"
                if external_id in people:  # a shared crew met again: the same people serve this cloud too
                    person = people[external_id]
                    people[external_id] = replace(person, clouds=(*person.clouds, roster.cloud))
                    continue
                rng = random.Random(f"demo-person:{external_id}")
                screenings = _planned_screenings(crew, index, kinds, rng)
                trainings = tuple((course, rng.randint(20, 400)) for course in courses)
                people[external_id] = PlannedPerson(
                    external_id, employer, names.next(citizenships.split(",")[0]), crew.role, citizenships,
                    (roster.cloud,), screenings, trainings, roster.cloud)
    return list(people.values())


def _planned_screenings(crew: Crew, index: int, kinds: tuple[str, ...], rng: random.Random
                        ) -> tuple[PlannedScreening, ...]:
    if index >= len(crew.citizenships) - crew.pending:
        return ()  # screening still pending
    special = (*((days, False) for days in crew.expiring), *((-days, True) for days in crew.lapsing_before_day1))
    planned = []
    for position, kind in enumerate(kinds):
        if position == 0 and index < len(special):
            days, from_day1 = special[index]
            planned.append(PlannedScreening(kind, days, from_day1))
            continue
        days = rng.randint(200, 700)  # comfortably beyond the forecast horizon
        planned.append(PlannedScreening(kind, days))
        if position == 0 and len(special) <= index < len(special) + crew.renewed:
            # Renewed a few days before the old one lapsed: the old record stays, as in real registers.
            renewed_on = days - VALIDITY_DAYS[kind]
            planned.append(PlannedScreening(kind, renewed_on + 6))
    return tuple(planned)


# -- seeding --------------------------------------------------------------------

def seed_rosters(report: SeedReport, today: dt.date) -> None:
    """Create the rosters that are missing, then set every demo cloud's automatic checklist items."""
    clouds = {cloud.slug: cloud for cloud in Cloud.objects.filter(slug__in=[roster.cloud for roster in ROSTERS])}
    staffed = set(StaffingRequirement.objects.filter(cloud__in=clouds.values()).values_list("cloud__slug", flat=True))
    staffed |= set(StaffMember.clouds.through.objects.filter(cloud__in=clouds.values())
                   .values_list("cloud__slug", flat=True))
    missing = [roster for roster in ROSTERS if roster.cloud in clouds and roster.cloud not in staffed]
    if missing:
        partners = {partner.slug: partner for partner in Partner.objects.filter(
            slug__in={plan.partner for plan in CLOUDS})}
        people = planned_people()
        for roster in missing:
            _seed_roster(report, roster, clouds, partners, people, today)
        mark_stale([clouds[roster.cloud].pk for roster in missing])  # findings see the new rosters
    changed = apply_staffing_checks([cloud.pk for cloud in clouds.values()], today=today)
    if changed:
        report.add("automatic checklist items set", changed)


def _seed_roster(report: SeedReport, roster: Roster, clouds: dict[str, Cloud], partners: dict[str, Partner],
                 people: list[PlannedPerson], today: dt.date) -> None:
    cloud = clouds[roster.cloud]
    requirements = [
        StaffingRequirement(cloud=cloud, role=need.role, minimum=need.minimum,
                            allowed_citizenships=",".join(need.citizenships), screenings=",".join(need.screenings),
                            trainings=",".join(need.trainings))
        for need in roster.needs
    ]
    _bulk_create(StaffingRequirement, requirements)
    report.add("staffing requirements", len(requirements))

    serving = [person for person in people if roster.cloud in person.clouds]
    existing = {(staff.employer_id, staff.external_id): staff for staff in StaffMember.objects.filter(
        external_id__in=[person.external_id for person in serving])}
    created: list[tuple[StaffMember, PlannedPerson]] = []
    staff_list = []
    for person in serving:
        employer = partners[person.employer] if person.employer else None
        staff = existing.get((employer.pk if employer else None, person.external_id))
        if staff is None:
            staff = StaffMember(employer=employer, full_name=person.full_name, roles=person.role,
                                citizenships=person.citizenships, external_id=person.external_id)
            created.append((staff, person))
        staff_list.append(staff)
    _bulk_create(StaffMember, [staff for staff, _ in created])
    report.add("staff members", len(created))
    screenings, trainings = [], []
    for staff, person in created:
        day1 = clouds[person.anchor_cloud].day1_date if person.anchor_cloud in clouds else None
        screenings.extend(_screening(staff, planned, today, day1) for planned in person.screenings)
        trainings.extend(Training(staff=staff, course=course, completed_on=today - dt.timedelta(days=days_ago))
                         for course, days_ago in person.trainings)
    for staff in staff_list:
        # One at a time through the relation, so each person's audit trail records the cloud served;
        # people.signals leaves the marking to us (the clouds are marked once, by the caller).
        staff._change_source, staff._change_reason, staff._clouds_marked = ChangeSource.IMPORT, DEMO_REASON, True
        staff.clouds.add(cloud)
    _bulk_create(Screening, screenings)
    _bulk_create(Training, trainings)
    report.add("screenings", len(screenings))
    report.add("trainings", len(trainings))


def _screening(staff: StaffMember, planned: PlannedScreening, today: dt.date, day1: dt.date | None) -> Screening:
    anchor = day1 if planned.from_day1 and day1 is not None else today
    expires_on = anchor + dt.timedelta(days=planned.expires_in)
    return Screening(staff=staff, kind=planned.kind,
                     completed_on=expires_on - dt.timedelta(days=VALIDITY_DAYS[planned.kind]), expires_on=expires_on)


def _bulk_create(model, rows: list) -> None:
    if rows:
        bulk_create_with_history(rows, model, default_change_reason=DEMO_REASON,
                                 custom_historical_attrs={"change_source": ChangeSource.IMPORT})
