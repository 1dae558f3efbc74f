"""Gates: defined in the framework file, dated from Day 1, with a state and live criteria per cloud."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from launches import criteria
from launches.criteria import GateSpec, LaunchFacts, StaffingLine
from launches.models import Gate
from launches.state import gate_rows
from readiness.framework_file import FrameworkFileError, parse_framework
from tests.builders import SMALL_GATES, framework_yaml

TODAY = dt.date(2026, 6, 15)
DAY = dt.timedelta(days=1)
GO_NO_GO = GateSpec("go-no-go", "Go/no-go", -7, D(90), True, True, False)


# -- the file ---------------------------------------------------------------------

def test_gates_are_loaded_with_the_framework(gated):
    gates = list(Gate.objects.filter(framework=gated.gated_framework).order_by("offset_days"))
    assert [(g.code, g.offset_days, g.min_score) for g in gates] == [
        ("design-review", -90, D("40.0")), ("go-no-go", -7, D("90.0")), ("hypercare-exit", 30, None)]
    assert (gates[1].no_open_gating, gates[1].staffing_met, gates[1].operations_not_critical) == (True, True, False)


def test_gates_change_the_content_hash_and_their_absence_does_not():
    plain = parse_framework(framework_yaml())
    with_gates = parse_framework(framework_yaml(gates=SMALL_GATES))
    assert plain.sha256 != with_gates.sha256 and plain.extra == ()
    assert parse_framework(framework_yaml(gates=SMALL_GATES)).sha256 == with_gates.sha256


@pytest.mark.parametrize(("gate", "message"), [
    (("Go-No-Go", "Go", -7, {"min_score": 90}), "lowercase words"),
    (("go", "Go", -7.5, {"min_score": 90}), "offset_days must be a whole number"),
    (("go", "Go", -800, {"min_score": 90}), "offset_days must be a whole number"),
    (("go", "Go", -7, {"min_score": 101}), "min_score must be a number from 0 to 100"),
    (("go", "Go", -7, {"min_score": 90.25}), "at most one decimal"),
    (("go", "Go", -7, {"min_score": "'90'"}), "min_score must be a number"),
    (("go", "Go", -7, {"no_open_gating": "yes"}), "no_open_gating must be true or false"),
    (("go", "Go", -7, {"no_open_gating": False}), "at least one criterion"),
    (("go", "Go", -7, {"fast": True}), "unknown key 'fast'"),
])
def test_a_bad_gate_is_refused_with_its_line(gate, message):
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(framework_yaml(gates=[gate]))
    assert message in str(caught.value) and "line " in str(caught.value)


def test_a_repeated_gate_code_is_refused():
    with pytest.raises(FrameworkFileError, match="already used"):
        parse_framework(framework_yaml(gates=[SMALL_GATES[0], SMALL_GATES[0]]))


# -- state and criteria (pure) -----------------------------------------------------------

@pytest.mark.parametrize(("due", "outcome", "stage", "state"), [
    (TODAY + 30 * DAY, None, "pre_launch", criteria.UPCOMING),
    (TODAY + 14 * DAY, None, "pre_launch", criteria.DUE),
    (TODAY, None, "pre_launch", criteria.DUE),
    (TODAY - DAY, None, "pre_launch", criteria.OVERDUE),
    (TODAY - DAY, "postponed", "pre_launch", criteria.OVERDUE),
    (TODAY - DAY, "no_go", "pre_launch", criteria.DECIDED),
    (TODAY + 30 * DAY, "go", "pre_launch", criteria.DECIDED),
    (None, None, "pre_launch", criteria.NO_DAY1),
    (TODAY - DAY, None, "launched", criteria.NOT_RECORDED),
])
def test_gate_state(due, outcome, stage, state):
    assert criteria.gate_state(GO_NO_GO, due, TODAY, outcome, 14, stage) == state


def test_a_launched_cloud_still_owes_its_gates_after_day1():
    hypercare = GateSpec("hypercare-exit", "Hypercare exit", 30, None, True)
    assert criteria.gate_state(hypercare, TODAY - DAY, TODAY, None, 14, "launched") == criteria.OVERDUE
    assert criteria.gate_state(hypercare, TODAY - DAY, TODAY, None, 14, "retired") == criteria.NOT_RECORDED


def facts(**overrides):
    values = dict(overall=D("92.5"), level="ready", reason="ready", open_gating=0, waived=0,
                  staffing=(StaffingLine("support_engineer", 6, 6),), operations_state="healthy")
    values.update(overrides)
    return LaunchFacts(**values)


def test_every_criterion_met():
    results = criteria.check_criteria(GO_NO_GO, facts())
    assert [(r.code, r.met) for r in results] == [("min_score", True), ("no_open_gating", True),
                                                  ("staffing_met", True)]


@pytest.mark.parametrize(("change", "code"), [
    ({"overall": D("89.9")}, "min_score"), ({"overall": None}, "min_score"), ({"open_gating": 1}, "no_open_gating"),
    ({"staffing": (StaffingLine("support_engineer", 6, 5),)}, "staffing_met"), ({"staffing": ()}, "staffing_met"),
])
def test_a_criterion_not_met(change, code):
    results = {r.code: r for r in criteria.check_criteria(GO_NO_GO, facts(**change))}
    assert not results[code].met and all(r.met for c, r in results.items() if c != code)


@pytest.mark.parametrize(("state", "met"), [("healthy", True), ("watch", True), ("critical", False),
                                            ("no_data", False)])
def test_operations_health_not_critical(state, met):
    gate = GateSpec("hypercare-exit", "Hypercare exit", 30, operations_not_critical=True)
    assert criteria.check_criteria(gate, facts(operations_state=state))[0].met is met


def test_slip_history_says_how_often_and_how_far_day1_moved():
    first, second, third = dt.date(2026, 3, 1), dt.date(2026, 3, 21), dt.date(2026, 4, 11)
    assert criteria.slip_summary([(None, first), (first, second), (second, third)]).text == \
        "Day 1 moved twice, 41 days in total."
    assert criteria.slip_summary([(third, first)]).text == "Day 1 moved once; it is now 41 days earlier than " \
        "first planned."
    assert criteria.slip_summary([(first, third), (third, second)]).text == "Day 1 moved twice; it is now 20 days " \
        "later than first planned."
    assert criteria.slip_summary([(first, third), (third, first)]).text == "Day 1 moved twice and is back on the " \
        "date first planned."
    assert criteria.slip_summary([]).text == "Day 1 has not moved."


def test_a_day1_put_on_hold_and_set_again_is_one_move():
    first, later = dt.date(2027, 1, 12), dt.date(2027, 3, 1)
    assert criteria.slip_summary([(first, None), (None, later)]).text == "Day 1 moved once, 48 days in total."
    assert criteria.slip_summary([(first, None), (None, first)]).text == "Day 1 has not moved."


def test_a_gate_date_outside_the_calendar_is_no_date():
    assert criteria.due_on(dt.date(9999, 12, 31), GateSpec("late", "Late", 30)) is None


# -- per cloud ----------------------------------------------------------------------------

def test_each_clouds_gates_are_dated_from_its_day1(gated):
    rows = gate_rows([gated.cloud_a, gated.cloud_b], gated.today)
    assert [(row.gate.code, row.due_on - gated.today, row.state) for row in rows[gated.cloud_a.pk]] == [
        ("design-review", -70 * DAY, criteria.OVERDUE), ("go-no-go", 13 * DAY, criteria.DUE),
        ("hypercare-exit", 50 * DAY, criteria.UPCOMING)]
    assert rows[gated.cloud_b.pk][1].state == criteria.UPCOMING


def test_the_gates_api_shows_live_criteria_of_visible_clouds_only(gated, client):
    client.force_login(gated.partner_user)
    rows = client.get("/api/v1/gates/").json()
    assert {row["cloud"] for row in rows} == {"cloud-a"}
    go = next(row for row in rows if row["code"] == "go-no-go")
    assert (go["state"], go["criteria_met"], go["decision"]) == ("due", False, None)
    assert go["criteria"][0] == {"code": "min_score", "label": "Minimum overall score", "required": ">= 90.0",
                                 "actual": "0.0", "met": False}
    assert client.get("/api/v1/gates/?cloud=cloud-b").status_code == 404
    assert client.get("/api/v1/gates/?cloud=nope").status_code == 404
    assert client.get("/api/v1/gates/?cloud=Bad_Slug").status_code == 400


def test_the_launch_page_lists_gates_and_offers_decisions_to_the_clouds_pm_only(gated, client):
    client.force_login(gated.pm_assigned)
    page = client.get(reverse("launches:cloud", args=["cloud-a"])).content.decode()
    assert 'data-gate="go-no-go" data-gate-state="due"' in page and "Record a decision" in page
    client.force_login(gated.executive)
    page = client.get(reverse("launches:cloud", args=["cloud-a"])).content.decode()
    assert 'data-gate="go-no-go"' in page and "Record a decision" not in page


def test_the_upgrade_preview_says_what_gate_changes_mean_for_each_cloud(gated, client):
    from launches.choices import Outcome
    from launches.services import record_decision
    from readiness.choices import ChangeSource
    from readiness.upgrades import clouds_behind, preview_upgrade
    from readiness.waivers import decide_waiver, request_waiver
    from tests.builders import SMALL_FRAMEWORK, make_framework
    from tests.readiness.test_recompute import item_of

    record_decision(cloud=gated.cloud_a, gate_code="design-review", outcome=Outcome.GO, decided_by_name="B",
                    attendees="A", rationale="r", conditions=[], actor=gated.pm_assigned)
    waiver = request_waiver(item=item_of(gated.cloud_a, "PPL-02"), reason="r", compensating_control="c",
                            expires_on=gated.today + 9 * DAY, actor=gated.partner_user, source=ChangeSource.BROWSER)
    decide_waiver(waiver=waiver, approve=True, note="", actor=gated.pm_assigned, source=ChangeSource.BROWSER)
    gates = [("readiness-review", "Readiness review", -30, {"min_score": 75}),
             ("go-no-go", "Go/no-go", -10, {"min_score": 85, "no_open_gating": True, "staffing_met": True}),
             SMALL_GATES[2]]
    v3 = make_framework([row for row in SMALL_FRAMEWORK if row[0] != "PPL-02"], version=3, gates=gates)
    previews = {p.cloud.slug: p for p in preview_upgrade(v3, clouds_behind(v3, [gated.cloud_a, gated.cloud_b]),
                                                         gated.today)}
    notes = previews["cloud-a"].notes
    due = (gated.cloud_a.day1_date - 30 * DAY).isoformat()
    assert f"Gate added: Readiness review ({due})." in notes
    assert any(note.startswith("Gate removed: Design review; its go of ") and "will no longer count" in note
               for note in notes)
    assert any(note.startswith("Gate Go/no-go moves from Day 1 -7 to -10") for note in notes)
    assert "Gate Go/no-go criteria: minimum overall score (>= 90.0); no open gating items (0 open); staffing " \
           "coverage met (every role at its minimum) -> minimum overall score (>= 85.0); no open gating items " \
           "(0 open); staffing coverage met (every role at its minimum)." in notes
    assert previews["cloud-a"].dropped_waivers == ("PPL-02",) and previews["cloud-b"].dropped_waivers == ()
    assert "Gate removed: Design review." in previews["cloud-b"].notes  # no decision there
    client.force_login(gated.pm_assigned)
    page = client.get(reverse("readiness:framework_upgrade", args=[v3.pk])).content.decode()
    assert "Waivers that stop applying (their requirement is removed): PPL-02." in page
