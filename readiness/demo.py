"""Believable, deterministic demo data: six clouds, their partners, users and checklists.

`seed_demo` creates whatever is missing and never changes a row that exists, so
running it again (as `make run` does) keeps every edit made in the portal.
Item states are drawn from a random generator seeded by cloud and requirement
code, so every run on the same day builds the same portfolio.

Checklists start on the newest demo framework file; a demo cloud still on an older
version of it (a database seeded before that version shipped) is moved once, with
`start_checklist` carrying every item's state over by requirement code, and keeps its
score history. Apps above readiness add their own demo data through `register_extension`
(called from their AppConfig.ready: people adds the staff rosters), so readiness never
imports them; extensions run in the same transaction, after the clouds and checklists
exist and before the score history is rebuilt.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from clouds.choices import CloudKind, LifecycleStage, PartnerKind, PartnerRole, UserRole
from clouds.models import Cloud, CloudPartner, ComplianceRegime, Partner, Profile
from readiness.choices import ChangeSource, ItemStatus
from readiness.framework_file import load_framework_file
from readiness.models import Checklist, ChecklistItem, Finding, Framework
from readiness.services import start_checklist
from readiness.snapshots.recompute import rebuild_history
from readiness.snapshots.refresh import refresh_clouds

DEMO_PASSWORD = "readiness-demo"
# v3: v2 (staffing coverage lines PPL-01, PPL-03 set by the staffing check from the rosters) plus launch gates.
FRAMEWORK_FILE = Path(__file__).resolve().parent / "frameworks" / "support-readiness-v3.yaml"
PROGRAM_MANAGERS_GROUP = "Program managers"
HISTORY_DAYS = 330  # back to 60 days before the Day 1 of Germany and Singapore (the launch comparison)

REGIMES = [
    ("secnumcloud", "SecNumCloud", "FR"),
    ("bsi-c5", "BSI C5", "DE"),
    ("mtcs-l3", "MTCS Level 3", "SG"),
    ("fedramp-high", "FedRAMP High", "US"),
    ("iso-27001", "ISO/IEC 27001", ""),
    ("bio", "BIO (Baseline Informatiebeveiliging Overheid)", "NL"),
]

PARTNERS = [
    ("souveraine-ops", "Souveraine Cloud Operations SAS", PartnerKind.NCOE, "FR"),
    ("nordlicht-betrieb", "Nordlicht Cloud Betrieb GmbH", PartnerKind.NCOE, "DE"),
    ("merlion-trusted-ops", "Merlion Trusted Operations Pte Ltd", PartnerKind.NCOE, "SG"),
    ("liberty-federal", "Liberty Federal Support Services LLC", PartnerKind.OPERATING_PARTNER, "US"),
    ("alpenwacht", "Alpenwacht Cloud Services AG", PartnerKind.NCOE, "CH"),
    ("polder-trusted", "Polder Trusted Cloud B.V.", PartnerKind.NCOE, "NL"),
]


@dataclass(frozen=True)
class CloudPlan:
    """How a demo cloud looks: its facts and the shape of its checklist."""

    slug: str
    name: str
    country: str
    kind: str
    stage: str
    day1_offset: int  # days from the seeding day
    regimes: tuple[str, ...]
    partner: str
    program_manager: str
    done: float  # share of non-gating items done
    gating_done: float  # share of gating items done
    blocked: float  # share of open items blocked
    overdue: float  # share of open items whose due date has passed
    recent_share: float  # share of done items completed in the last 28 days
    history_days: int  # done items were completed within this many days
    extra_owners: tuple[str, ...] = field(default=())


CLOUDS = [
    CloudPlan("france", "France Sovereign Cloud", "FR", CloudKind.SOVEREIGN, LifecycleStage.LAUNCHED, -410,
              ("secnumcloud",), "souveraine-ops", "pm.anna", 0.93, 1.0, 0.2, 0.45, 0.04, 500),
    CloudPlan("germany", "Germany Sovereign Cloud", "DE", CloudKind.SOVEREIGN, LifecycleStage.LAUNCHED, -260,
              ("bsi-c5",), "nordlicht-betrieb", "pm.anna", 0.9, 1.0, 0.25, 0.5, 0.05, 380),
    CloudPlan("singapore", "Singapore Sovereign Cloud", "SG", CloudKind.SOVEREIGN, LifecycleStage.LAUNCHED, -180,
              ("mtcs-l3",), "merlion-trusted-ops", "pm.bruno", 0.88, 1.0, 0.15, 0.35, 0.08, 300),
    CloudPlan("us-government", "US Government Cloud", "US", CloudKind.GOVERNMENT, LifecycleStage.LAUNCHED, -720,
              ("fedramp-high",), "liberty-federal", "pm.bruno", 0.9, 1.0, 0.3, 0.6, 0.03, 800),
    CloudPlan("switzerland", "Switzerland Sovereign Cloud", "CH", CloudKind.SOVEREIGN, LifecycleStage.PRE_LAUNCH,
              42, ("iso-27001",), "alpenwacht", "pm.bruno", 0.64, 0.6, 0.1, 0.08, 0.55, 110),
    CloudPlan("netherlands", "Netherlands Sovereign Cloud", "NL", CloudKind.SOVEREIGN, LifecycleStage.PRE_LAUNCH,
              10, ("bio", "iso-27001"), "polder-trusted", "pm.anna", 0.74, 0.7, 0.35, 0.55, 0.1, 120),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    partner: str | None = None
    staff: bool = False
    superuser: bool = False
    digests: bool = False


USERS = [
    DemoUser("admin", "Ada", "Admin", UserRole.ADMINISTRATOR, staff=True, superuser=True),
    DemoUser("pm.anna", "Anna", "Schmidt", UserRole.PROGRAM_MANAGER, staff=True, digests=True),
    DemoUser("pm.bruno", "Bruno", "Lefevre", UserRole.PROGRAM_MANAGER, staff=True, digests=True),
    DemoUser("exec.claire", "Claire", "Dubois", UserRole.EXECUTIVE),
    DemoUser("partner.fr", "Camille", "Martin", UserRole.PARTNER_STAFF, "souveraine-ops", digests=True),
    DemoUser("partner.nl", "Daan", "de Vries", UserRole.PARTNER_STAFF, "polder-trusted", digests=True),
    DemoUser("lucas.bernard", "Lucas", "Bernard", UserRole.PARTNER_STAFF, "souveraine-ops"),
    DemoUser("jonas.weber", "Jonas", "Weber", UserRole.PARTNER_STAFF, "nordlicht-betrieb", digests=True),
    DemoUser("lena.fischer", "Lena", "Fischer", UserRole.PARTNER_STAFF, "nordlicht-betrieb"),
    DemoUser("weiling.tan", "Wei Ling", "Tan", UserRole.PARTNER_STAFF, "merlion-trusted-ops", digests=True),
    DemoUser("jordan.hayes", "Jordan", "Hayes", UserRole.PARTNER_STAFF, "liberty-federal", digests=True),
    DemoUser("nina.keller", "Nina", "Keller", UserRole.PARTNER_STAFF, "alpenwacht", digests=True),
    DemoUser("sanne.bakker", "Sanne", "Bakker", UserRole.PARTNER_STAFF, "polder-trusted"),
]

BLOCKER_NOTES = [
    "Waiting for the national regulator to confirm the screening scheme for contractors.",
    "Blocked on hardware for the in-country jump hosts; delivery slipped two weeks.",
    "Legal review of the customer-approval wording in the local language is still open.",
    "Needs the engineering escalation tool deployed inside the boundary first.",
    "Two shift leads left; recruitment of screened replacements under way.",
]
PROGRESS_NOTES = [
    "Draft shared with the NCOE; review meeting booked.",
    "Half of the roster screened; the rest are in the queue.",
    "Pilot run with one shift done, writing up findings.",
    "",
    "",
]
NA_JUSTIFICATIONS = [
    "The regime for this cloud has no such requirement; confirmed with the compliance office.",
    "Covered by the partner's existing certified process, referenced in the contract annex.",
]


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + count


# A demo extension: called with the report and the seeding day; creates only what is missing.
DemoExtension = Callable[[SeedReport, dt.date], None]
_extensions: list[DemoExtension] = []


def register_extension(extension: DemoExtension) -> None:
    """Add demo data of an app above readiness to `seed_demo` (from its AppConfig.ready); once."""
    if extension not in _extensions:
        _extensions.append(extension)


def seed_demo(*, today: dt.date | None = None) -> SeedReport:
    """Create the demo portfolio's missing rows; existing rows are left as they are (but for moving a demo
    cloud off an older framework version, and what extensions keep true, such as automatic items)."""
    today = today or timezone.localdate()
    report = SeedReport()
    with transaction.atomic():
        result = load_framework_file(FRAMEWORK_FILE)
        if result.created:
            report.add("framework")
        framework = result.framework
        regimes = {code: _get_or_create(report, ComplianceRegime, code=code,
                                        defaults={"name": name, "country_code": country})
                   for code, name, country in REGIMES}
        partners = {slug: _get_or_create(report, Partner, slug=slug,
                                         defaults={"name": name, "kind": kind, "country_code": country})
                    for slug, name, kind, country in PARTNERS}
        users = {demo.username: _ensure_user(report, demo, partners) for demo in USERS}
        _ensure_program_manager_group(report, users)
        seeded = [_ensure_cloud(report, plan, today, framework, regimes, partners, users) for plan in CLOUDS]
        seeded_ids = [cloud.pk for cloud in seeded if cloud is not None]
        for extension in _extensions:
            extension(report, today)
        if seeded_ids:
            report.add("score snapshots", rebuild_history(seeded_ids, days=HISTORY_DAYS, today=today))
    if seeded_ids:
        # After the seeding commits: a refresh takes its own short transactions (refresh_clouds).
        refresh_clouds(seeded_ids, today=today)
        # Counted after the refresh: jobs run on commit (the automatic items') may have opened them first.
        report.add("open findings", Finding.objects.filter(cloud_id__in=seeded_ids, resolved_at__isnull=True).count())
    return report


def _get_or_create(report: SeedReport, model, defaults=None, **lookup):
    obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
    if created:
        report.add(model._meta.verbose_name_plural)
    return obj


def _ensure_user(report: SeedReport, demo: DemoUser, partners: dict[str, Partner]):
    user_model = get_user_model()
    user = user_model.objects.filter(username=demo.username).first()
    if user is None:
        user = user_model.objects.create_user(
            username=demo.username, password=DEMO_PASSWORD, first_name=demo.first_name,
            last_name=demo.last_name, email=f"{demo.username}@example.org",
            is_staff=demo.staff, is_superuser=demo.superuser,
        )
        report.add("users")
    if not Profile.objects.filter(user=user).exists():
        Profile.objects.create(user=user, role=demo.role, receives_digests=demo.digests,
                               partner=partners[demo.partner] if demo.partner else None)
        report.add("profiles")
    return user


def _ensure_program_manager_group(report: SeedReport, users: dict) -> None:
    group, created = Group.objects.get_or_create(name=PROGRAM_MANAGERS_GROUP)
    if not created:
        return
    report.add("groups")
    codenames = ["view_cloud", "view_partner", "view_cloudpartner", "view_complianceregime",
                 "view_framework", "view_requirement", "view_checklist", "add_checklist",
                 "view_checklistitem", "change_checklistitem", "view_scoresnapshot"]
    group.permissions.set(Permission.objects.filter(codename__in=codenames,
                                                    content_type__app_label__in=["clouds", "readiness"]))
    for demo in USERS:
        if demo.role == UserRole.PROGRAM_MANAGER:
            users[demo.username].groups.add(group)


def _ensure_cloud(report, plan: CloudPlan, today: dt.date, framework: Framework, regimes, partners,
                  users) -> Cloud | None:
    """Create the cloud and its checklist if missing; returns the cloud when its checklist was created."""
    cloud = Cloud.objects.filter(slug=plan.slug).first()
    if cloud is None:
        cloud = Cloud(
            slug=plan.slug, name=plan.name, country_code=plan.country, kind=plan.kind, stage=plan.stage,
            day1_date=today + dt.timedelta(days=plan.day1_offset),
        )
        cloud._change_source = ChangeSource.IMPORT
        cloud.save()
        cloud.compliance_regimes.set([regimes[code] for code in plan.regimes])
        cloud.program_managers.set([users[plan.program_manager]])
        CloudPartner.objects.create(cloud=cloud, partner=partners[plan.partner], role=PartnerRole.OPERATOR)
        report.add("clouds")
    active = Checklist.objects.filter(cloud=cloud).active().select_related("framework").first()
    if (active is not None and active.framework.slug == framework.slug
            and active.framework.version < framework.version):
        start_checklist(cloud=cloud, framework=framework, actor=None, source=ChangeSource.IMPORT)
        report.add("checklists moved to the newer framework")
        return None
    if Checklist.objects.filter(cloud=cloud).exists():
        return None
    checklist = start_checklist(cloud=cloud, framework=framework, actor=None, source=ChangeSource.IMPORT)
    owners = [users[demo.username] for demo in USERS if demo.partner == plan.partner]
    owners.append(users[plan.program_manager])
    items = list(checklist.items.select_related("requirement").order_by("requirement__position"))
    for item in items:
        _shape_item(item, plan, today, owners, partners[plan.partner])
    # The demo's starting state, dated in the past; recorded in the audit trail as an import.
    bulk_update_with_history(items, ChecklistItem, [
        "status", "owner", "accountable_partner", "due_date", "evidence_url", "notes", "na_justification",
        "updated_at", "status_changed_at", "completed_at",
    ], default_change_reason="demo data", custom_historical_attrs={"change_source": ChangeSource.IMPORT})
    report.add("checklists")
    report.add("checklist items", len(items))
    return cloud


def _shape_item(item: ChecklistItem, plan: CloudPlan, today: dt.date, owners: list, partner: Partner) -> None:
    """Give an item a believable state drawn from a generator seeded by cloud and code."""
    requirement = item.requirement
    rng = random.Random(f"{plan.slug}:{requirement.code}")
    tz = timezone.get_current_timezone()

    def moment(days_ago: int) -> dt.datetime:
        day = today - dt.timedelta(days=days_ago)
        return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=tz)

    item.owner = rng.choice(owners)
    item.accountable_partner = partner if rng.random() < 0.8 else None
    done_share = plan.gating_done if requirement.gating else plan.done
    draw = rng.random()
    if not requirement.gating and draw > 0.97:
        item.status = ItemStatus.NOT_APPLICABLE
        item.na_justification = rng.choice(NA_JUSTIFICATIONS)
        item.status_changed_at = moment(rng.randint(30, plan.history_days))
    elif draw < done_share:
        item.status = ItemStatus.DONE
        recent = rng.random() < plan.recent_share
        days_ago = rng.randint(0, 27) if recent else rng.randint(28, plan.history_days)
        item.completed_at = item.status_changed_at = moment(days_ago)
        item.due_date = item.completed_at.date() + dt.timedelta(days=rng.randint(-5, 20))
        item.evidence_url = f"https://evidence.{partner.slug}.example/{plan.slug}/{requirement.code.lower()}"
    else:
        roll = rng.random()
        if roll < plan.blocked:
            item.status = ItemStatus.BLOCKED
            item.notes = rng.choice(BLOCKER_NOTES)
        elif roll < 0.75:
            item.status = ItemStatus.IN_PROGRESS
            item.notes = rng.choice(PROGRESS_NOTES)
        else:
            item.status = ItemStatus.NOT_STARTED
        if item.status != ItemStatus.NOT_STARTED:
            # Work left open on a launched cloud tends to linger: nobody has touched it for weeks.
            item.status_changed_at = moment(rng.randint(31, 90) if plan.day1_offset < 0 else rng.randint(1, 40))
        if rng.random() < plan.overdue:
            item.due_date = today - dt.timedelta(days=rng.randint(1, 30))
        elif rng.random() < 0.9:
            horizon = plan.day1_offset - 1 if plan.day1_offset > 3 else 60
            item.due_date = today + dt.timedelta(days=rng.randint(1, max(horizon, 2)))
        if rng.random() < 0.08:
            item.owner = None  # an unowned open item, for program managers to chase
    stamps = [stamp for stamp in (item.completed_at, item.status_changed_at) if stamp is not None]
    item.updated_at = max(stamps) if stamps else moment(plan.history_days)
