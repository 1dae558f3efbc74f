"""Each database constraint rejects a bad row (run on PostgreSQL in CI), and none goes untested."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from clouds.models import Cloud, CloudPartner, ComplianceRegime, IdempotencyRecord, Partner, PartnerAPIKey, Profile
from launches.models import Day1Change, Decision, DecisionCondition, Gate
from operations.models import MetricCatalog, MetricDefinition, MetricTarget, MetricValue
from people.models import Screening, StaffingRequirement, StaffMember, Training
from readiness.models import (
    Checklist,
    ChecklistItem,
    DigestDelivery,
    Event,
    Finding,
    Framework,
    Requirement,
    ScoreSnapshot,
    Waiver,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.builders import active_checklist, make_cloud, make_user


def staff(**fields):
    values = {"full_name": "Ada Martin", "roles": "support_engineer", "citizenships": "FR"}
    values.update(fields)
    return StaffMember.objects.create(**values)


def staffing(world, **fields):
    values = {"cloud": world.cloud_a, "role": "support_engineer", "minimum": 2}
    values.update(fields)
    return StaffingRequirement.objects.create(**values)


def item_of(world):
    return active_checklist(world.cloud_a).items.first()


def snapshot(world, **fields):
    values = {"cloud": world.cloud_a, "scope": "overall", "day": dt.date(2026, 1, 1), "score": Decimal("50.0"),
              "level": "at_risk", "reason": "", "computed_at": timezone.now(), "counted_weight": 10,
              "done_weight": 5, "counted_count": 4, "done_count": 2}
    values.update(fields)
    return ScoreSnapshot.objects.create(**values)


def requirement(world, **fields):
    values = {"framework": world.framework, "code": "ZZZ-01", "title": "t", "guidance": "g",
              "pillar": "people", "area": "staffing", "weight": 3, "position": 99}
    values.update(fields)
    return Requirement.objects.create(**values)


def finding(world, **fields):
    values = {"cloud": world.cloud_a, "rule": "unowned", "severity": "medium", "explanation": "e",
              "recommendation": "r", "opened_at": timezone.now(), "updated_at": timezone.now()}
    values.update(fields)
    return Finding.objects.create(**values)


def catalog():
    return MetricCatalog.objects.get_or_create(slug="s", version=1, defaults={"name": "S", "sha256": "x"})[0]


def metric(**fields):
    values = {"code": "backlog", "name": "Backlog", "unit": "count", "direction": "lower", "catalog": catalog()}
    values.update(fields)
    return MetricDefinition.objects.create(**values)


def metric_value(world, **fields):
    values = {"cloud": world.cloud_a, "day": dt.date(2026, 1, 1), "value": Decimal(1)}
    values.update(fields)
    if "metric" not in values:
        values["metric"] = metric()
    return MetricValue.objects.create(**values)


def metric_target(world, **fields):
    values = {"cloud": world.cloud_a, "target": Decimal(1)}
    values.update(fields)
    if "metric" not in values:
        values["metric"] = metric()
    return MetricTarget.objects.create(**values)


def twice(make):
    first = make()
    return make(metric=first.metric)


def update_item_row(world, **fields):
    ChecklistItem.objects.filter(pk=item_of(world).pk).update(**fields)


def gate(world, **fields):
    values = {"framework": world.framework, "code": "go-no-go", "name": "Go/no-go", "offset_days": -7, "position": 1,
              "min_score": Decimal("90.0")}
    values.update(fields)
    return Gate.objects.create(**values)


def decision(world, **fields):
    values = {"cloud": world.cloud_a, "framework": world.framework, "gate_code": "go-no-go", "gate_name": "Go/no-go",
              "outcome": "go", "decided_by_name": "Chair", "attendees": "Anna", "rationale": "Ready.",
              "decided_at": timezone.now(), "decided_on": dt.date(2026, 1, 1), "evidence": "{}",
              "evidence_sha256": "0" * 64}
    values.update(fields)
    return Decision.objects.create(**values)


def condition(world, **fields):
    values = {"position": 1, "text": "Rehearse", "owner": world.pm_assigned, "due_on": dt.date(2026, 1, 8)}
    values.update(fields)
    if "decision" not in values:
        values["decision"] = decision(world)
    return DecisionCondition.objects.create(**values)


def day1_change(world, **fields):
    values = {"cloud": world.cloud_a, "previous_day1": dt.date(2026, 1, 1), "new_day1": dt.date(2026, 2, 1),
              "reason": "Vendor slip", "changed_at": timezone.now()}
    values.update(fields)
    return Day1Change.objects.create(**values)


def event(world):
    return Event.objects.create(type="item.changed", object_kind="item", object_id="1", cloud=world.cloud_a,
                                occurred_at=timezone.now())


def endpoint(world, **fields):
    values = {"partner": world.partner_a, "url": "https://x.example/h", "secret": "whsec_abc",
              "created_at": timezone.now()}
    values.update(fields)
    return WebhookEndpoint.objects.create(**values)


def delivery(world, **fields):
    values = {"endpoint": fields.pop("endpoint", None) or endpoint(world), "event": fields.pop("event", None)
              or event(world)}
    values.update(fields)
    return WebhookDelivery.objects.create(**values)


def waiver(world, **fields):
    values = {"item": item_of(world), "reason": "Late tooling", "compensating_control": "Manual checks",
              "expires_on": dt.date(2026, 6, 1), "requested_at": timezone.now()}
    values.update(fields)
    return Waiver.objects.create(**values)


BAD_ROWS = {
    "regime_country_code_iso": lambda w: ComplianceRegime.objects.create(code="x", name="X", country_code="fr"),
    "partner_country_code_iso": lambda w: Partner.objects.create(slug="p-x", name="P", country_code="F1"),
    "partner_kind_valid": lambda w: Partner.objects.create(slug="p-y", name="P", country_code="FR", kind="vendor"),
    "partner_slug_format": lambda w: Partner.objects.create(slug="Bad Slug", name="P", country_code="FR"),
    "cloud_country_code_iso": lambda w: Cloud.objects.create(slug="c-x", name="C", country_code="1A"),
    "cloud_kind_valid": lambda w: Cloud.objects.create(slug="c-y", name="C", country_code="FR", kind="public"),
    "cloud_stage_valid": lambda w: Cloud.objects.create(slug="c-z", name="C", country_code="FR", stage="live"),
    "cloud_slug_format": lambda w: Cloud.objects.create(slug="-bad-", name="C", country_code="FR"),
    "cloud_launched_has_day1": lambda w: Cloud.objects.create(slug="c-l", name="C", country_code="FR",
                                                              stage="launched", day1_date=None),
    "cloudpartner_unique": lambda w: CloudPartner.objects.create(cloud=w.cloud_a, partner=w.partner_a),
    "cloudpartner_role_valid": lambda w: CloudPartner.objects.create(cloud=w.cloud_b, partner=w.partner_a,
                                                                     role="owner"),
    "profile_role_valid": lambda w: Profile.objects.create(user=w.no_role, role="superhero"),
    "profile_partner_staff_has_partner": lambda w: Profile.objects.create(user=w.no_role, role="partner_staff"),
    "framework_slug_version_unique": lambda w: Framework.objects.create(
        slug=w.framework.slug, name="dup", version=w.framework.version, source_sha256="x"),
    "framework_version_positive": lambda w: Framework.objects.create(slug="f", name="f", version=0,
                                                                     source_sha256="x"),
    "requirement_code_unique": lambda w: requirement(w, code="PPL-01"),
    "requirement_weight_1_5": lambda w: requirement(w, weight=9),
    "requirement_pillar_valid": lambda w: requirement(w, pillar="culture"),
    "requirement_code_format": lambda w: requirement(w, code="ppl-1"),
    "requirement_area_format": lambda w: requirement(w, area="Staff ing"),
    "checklist_one_active_per_cloud": lambda w: Checklist.objects.create(cloud=w.cloud_a, framework=w.framework,
                                                                         is_active=True),
    "item_requirement_unique": lambda w: ChecklistItem.objects.create(
        checklist=active_checklist(w.cloud_a), requirement=item_of(w).requirement),
    "item_status_valid": lambda w: update_item_row(w, status="finished"),
    "item_na_has_justification": lambda w: update_item_row(w, status="not_applicable", na_justification=""),
    "item_completed_at_iff_done": lambda w: update_item_row(w, status="done", completed_at=None),
    "item_version_positive": lambda w: update_item_row(w, version=0),
    "snapshot_cloud_scope_day_unique": lambda w: (snapshot(w), snapshot(w)),
    "snapshot_scope_valid": lambda w: snapshot(w, scope="finance", level=""),
    "snapshot_score_0_100": lambda w: snapshot(w, score=Decimal("100.1")),
    "snapshot_level_on_overall_only": lambda w: snapshot(w, scope="people", level="ready"),
    "snapshot_done_weight_le_counted": lambda w: snapshot(w, done_weight=11),
    "snapshot_done_le_counted": lambda w: snapshot(w, done_count=5),
    "finding_one_open_per_rule_and_cloud": lambda w: [finding(w) for _ in range(2)],
    "finding_severity_valid": lambda w: finding(w, severity="urgent"),
    "finding_acknowledgement_has_note": lambda w: finding(w, acknowledged_at=timezone.now(), acknowledgement_note=""),
    "digest_once_per_user_and_day": lambda w: [
        DigestDelivery.objects.create(user=w.pm_assigned, day=dt.date(2026, 1, 1), sent_at=timezone.now())
        for _ in range(2)
    ],
    "apikey_name_unique_per_partner": lambda w: [PartnerAPIKey.objects.create_key(name="sync", partner=w.partner_a)
                                                 for _ in range(2)],
    "requirement_check_format": lambda w: requirement(w, auto_check="Staffing Coverage"),
    "requirement_check_roles_format": lambda w: requirement(w, check_roles="support_engineer"),  # roles without a check
    "staff_has_name": lambda w: staff(full_name=""),
    "staff_roles_format": lambda w: staff(roles="support_engineer,janitor"),
    "staff_citizenships_format": lambda w: staff(citizenships="fr"),
    "staff_external_id_unique_per_employer": lambda w: [staff(employer=w.partner_a, external_id="E1")
                                                        for _ in range(2)],
    "staff_external_id_unique_for_provider": lambda w: [staff(external_id="P1") for _ in range(2)],
    "staff_version_positive": lambda w: staff(version=0),
    "staff_erased_is_inactive_and_anonymous": lambda w: staff(erased_on="2026-01-01", external_id="E9", active=False),
    "screening_kind_valid": lambda w: Screening.objects.create(staff=staff(), kind="polygraph",
                                                               completed_on=dt.date(2026, 1, 1)),
    "screening_expires_after_completion": lambda w: Screening.objects.create(
        staff=staff(), kind="cloud_background_check", completed_on=dt.date(2026, 1, 1), expires_on=dt.date(2026, 1, 1)),
    "training_course_format": lambda w: Training.objects.create(staff=staff(), course="Sovereign Boundary",
                                                                completed_on=dt.date(2026, 1, 1)),
    "training_expires_after_completion": lambda w: Training.objects.create(
        staff=staff(), course="sovereign-boundary", completed_on=dt.date(2026, 1, 2), expires_on=dt.date(2026, 1, 1)),
    "staffing_requirement_unique_role": lambda w: [staffing(w) for _ in range(2)],
    "staffing_requirement_role_valid": lambda w: staffing(w, role="janitor"),
    "staffing_requirement_minimum_positive": lambda w: staffing(w, minimum=0),
    "staffing_requirement_citizenships_format": lambda w: staffing(w, allowed_citizenships="FR;DE"),
    "staffing_requirement_screenings_format": lambda w: staffing(w, screenings="polygraph"),
    "staffing_requirement_trainings_format": lambda w: staffing(w, trainings="Sovereign"),
    "metric_catalog_unique_version": lambda w: [catalog(), MetricCatalog.objects.create(
        slug="s", version=1, name="S2", sha256="y")],
    "metric_catalog_version_positive": lambda w: MetricCatalog.objects.create(slug="t", version=0, name="T",
                                                                              sha256="z"),
    "metric_code_format": lambda w: metric(code="Backlog"),
    "metric_unit_valid": lambda w: metric(unit="parsecs"),
    "metric_direction_valid": lambda w: metric(direction="up"),
    "metric_minimum_not_negative": lambda w: metric(minimum=Decimal(-1)),
    "metric_range_valid": lambda w: metric(minimum=Decimal(5), maximum=Decimal(5)),
    "metric_default_target_in_range": lambda w: metric(maximum=Decimal(100), default_target=Decimal(130)),
    "metric_target_unique": lambda w: twice(lambda **extra: metric_target(w, **extra)),
    "metric_target_not_negative": lambda w: metric_target(w, target=Decimal(-1)),
    "metric_value_unique_day": lambda w: twice(lambda **extra: metric_value(w, **extra)),
    "metric_value_not_negative": lambda w: metric_value(w, value=Decimal(-1)),
    "gate_code_unique": lambda w: [gate(w, position=n) for n in (1, 2)],
    "gate_code_format": lambda w: gate(w, code="Go No"),
    "gate_offset_range": lambda w: gate(w, offset_days=-731),
    "gate_min_score_0_100": lambda w: gate(w, min_score=Decimal("100.1")),
    "gate_has_a_criterion": lambda w: gate(w, min_score=None),
    "decision_outcome_valid": lambda w: decision(w, outcome="maybe"),
    "decision_rationale_and_decider": lambda w: decision(w, decided_by_name=""),
    "decision_sha256_format": lambda w: decision(w, evidence_sha256="A" * 64),
    "decision_gate_code_format": lambda w: decision(w, gate_code="go_no_go"),
    "condition_position_unique": lambda w: (lambda d: [condition(w, decision=d) for _ in range(2)])(decision(w)),
    "condition_text_required": lambda w: condition(w, text=""),
    "condition_done_has_note": lambda w: condition(w, done_at=timezone.now(), done_note=""),
    "day1_change_reason_required": lambda w: day1_change(w, reason=""),
    "day1_change_changes_something": lambda w: day1_change(w, new_day1=dt.date(2026, 1, 1)),
    "waiver_state_valid": lambda w: waiver(w, state="finished"),
    "waiver_reason_and_control": lambda w: waiver(w, compensating_control=""),
    "waiver_decision_has_date": lambda w: waiver(w, state="approved", decided_at=timezone.now()),
    "waiver_request_undecided": lambda w: waiver(w, decided_at=timezone.now(), decided_on=dt.date(2026, 1, 1)),
    "waiver_one_request_per_item": lambda w: [waiver(w) for _ in range(2)],
    "event_type_format": lambda w: Event.objects.create(type="Item changed", object_kind="item", object_id="1",
                                                        cloud=w.cloud_a, occurred_at=timezone.now()),
    "webhook_secret_format": lambda w: endpoint(w, secret="abc"),
    "webhook_url_http": lambda w: endpoint(w, url="ftp://x"),
    "delivery_once_per_endpoint_and_event": lambda w: [delivery(w, endpoint=e, event=v) for e, v in
                                                       [(endpoint(w), event(w))] * 2],
    "delivery_status_valid": lambda w: delivery(w, status="lost"),
    "delivery_delivered_has_time": lambda w: delivery(w, status="delivered"),
    "idempotency_key_once_per_caller": lambda w: [
        IdempotencyRecord.objects.create(scope="auth:x", key="k", fingerprint="f", created_at=timezone.now())
        for _ in range(2)],
}


def project_constraint_names():
    names = set()
    for app_label in ("clouds", "readiness", "people", "operations", "launches", "dashboards"):
        for model in apps.get_app_config(app_label).get_models():
            names.update(constraint.name for constraint in model._meta.constraints)
    return names


def test_every_constraint_has_a_bad_row_case():
    assert project_constraint_names() == set(BAD_ROWS)


@pytest.mark.parametrize("constraint", sorted(BAD_ROWS))
def test_constraint_rejects_bad_row(world, constraint):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        BAD_ROWS[constraint](world)
    message = str(excinfo.value)
    # PostgreSQL names the violated constraint; SQLite names it for checks, columns for uniques.
    assert constraint in message or "UNIQUE constraint failed" in message


def test_a_completed_item_with_completion_time_is_accepted(world):
    update_item_row(world, status="done", completed_at=timezone.now())
    make_cloud("ok-launched", stage="launched", day1_date=dt.date(2026, 1, 1))
    make_user("has-partner", role="partner_staff", partner=world.partner_a)


def test_launch_and_waiver_rows_at_the_limits_are_accepted(world):
    gate(world, code="design-review", offset_days=-730, min_score=Decimal("0.0"))
    gate(world, code="hypercare-exit", offset_days=365, min_score=Decimal("100.0"))
    gate(world, code="staffing", min_score=None, staffing_met=True)
    condition(world, done_at=timezone.now(), done_note="Rehearsed")
    condition(world, position=2, decision=Decision.objects.get())
    day1_change(world, previous_day1=None)
    day1_change(world, new_day1=None)
    waiver(world, state="approved", decided_at=timezone.now(), decided_on=dt.date(2026, 1, 1))
    waiver(world)  # requested, beside the approved one
    waiver(world, state="withdrawn")
