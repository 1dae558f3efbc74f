"""Small builders for test data; each returns saved objects with sensible defaults."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from clouds.choices import LifecycleStage, PartnerRole, UserRole
from clouds.models import Cloud, CloudPartner, Partner, Profile
from readiness.framework_file import load_framework, parse_framework
from readiness.models import Checklist, Framework
from readiness.services import start_checklist

_counter = itertools.count(1)

# (code, pillar, area, weight, gating)
SMALL_FRAMEWORK = [
    ("PPL-01", "people", "staffing", 5, True),
    ("PPL-02", "people", "training", 2, False),
    ("PRC-01", "process", "escalation", 4, True),
    ("PRC-02", "process", "case-handling", 3, False),
    ("TEC-01", "technology", "tooling", 3, False),
    ("TEC-02", "technology", "access", 5, True),
]


# (code, name, offset from Day 1, criteria as written in the file)
SMALL_GATES = [
    ("design-review", "Design review", -90, {"min_score": 40}),
    ("go-no-go", "Go/no-go", -7, {"min_score": 90, "no_open_gating": True, "staffing_met": True}),
    ("hypercare-exit", "Hypercare exit", 30, {"no_open_gating": True, "operations_not_critical": True}),
]


def framework_yaml(requirements=SMALL_FRAMEWORK, *, slug: str = "test-readiness", version: int = 1,
                   gates=()) -> str:
    lines = ["framework:", f"  slug: {slug}", "  name: Test readiness", f"  version: {version}",
             "  description: A small framework for tests."]
    if gates:
        lines.append("gates:")
        for code, name, offset, criteria in gates:
            lines += [f"  - code: {code}", f"    name: {name}", f"    offset_days: {offset}", "    criteria:"]
            lines += [f"      {key}: {str(value).lower() if isinstance(value, bool) else value}"
                      for key, value in criteria.items()]
    lines.append("requirements:")
    for code, pillar, area, weight, gating in requirements:
        lines += [
            f"  - code: {code}",
            f"    title: Requirement {code}",
            f"    pillar: {pillar}",
            f"    area: {area}",
            f"    weight: {weight}",
            f"    gating: {'true' if gating else 'false'}",
            f"    guidance: What {code} asks for and how to prove it.",
        ]
    return "\n".join(lines) + "\n"


def make_framework(requirements=SMALL_FRAMEWORK, *, slug: str = "test-readiness", version: int = 1,
                   gates=()) -> Framework:
    spec = parse_framework(framework_yaml(requirements, slug=slug, version=version, gates=gates))
    return load_framework(spec).framework


def make_partner(slug: str | None = None, **fields) -> Partner:
    slug = slug or f"partner-{next(_counter)}"
    fields.setdefault("name", slug.replace("-", " ").title())
    fields.setdefault("country_code", "FR")
    return Partner.objects.create(slug=slug, **fields)


def make_cloud(slug: str | None = None, *, partner: Partner | None = None, framework: Framework | None = None,
               program_managers=(), **fields) -> Cloud:
    slug = slug or f"cloud-{next(_counter)}"
    fields.setdefault("name", slug.replace("-", " ").title())
    fields.setdefault("country_code", "FR")
    fields.setdefault("stage", LifecycleStage.PRE_LAUNCH)
    cloud = Cloud.objects.create(slug=slug, **fields)
    if partner is not None:
        CloudPartner.objects.create(cloud=cloud, partner=partner, role=PartnerRole.OPERATOR)
    if program_managers:
        cloud.program_managers.set(program_managers)
    if framework is not None:
        start_checklist(cloud=cloud, framework=framework, actor=None)
    return cloud


def make_user(username: str | None = None, *, role: str | None = UserRole.EXECUTIVE,
              partner: Partner | None = None, password: str = "pw-for-tests-only", **fields):
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(username=username, password=password, **fields)
    if role is not None:
        Profile.objects.create(user=user, role=role, partner=partner)
    return user


def active_checklist(cloud: Cloud) -> Checklist:
    return Checklist.objects.get(cloud=cloud, is_active=True)
