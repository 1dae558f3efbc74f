"""Waivers: how a waived item scores (DESIGN "Domain model", waivers), and who may ask and decide."""

import datetime as dt
import random
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clouds.api.authentication import PartnerKeyActor
from clouds.models import PartnerAPIKey
from readiness import scoring
from readiness.choices import ChangeSource, ItemStatus, WaiverState
from readiness.models import ChecklistItem, ScoreSnapshot, Waiver
from readiness.scoring import ItemFacts, Totals
from readiness.snapshots.recompute import rebuild_history, recompute_scores
from readiness.snapshots.sums import pillar_totals
from readiness.waivers import decide_waiver, request_waiver, why_cannot_decide, withdraw_waiver
from tests.builders import active_checklist, make_cloud, make_framework
from tests.readiness.test_recompute import item_of, random_items, set_status

TODAY = dt.date(2026, 6, 15)
DAY = dt.timedelta(days=1)


# -- the pure rule ----------------------------------------------------------------

def facts(status="not_started", *, weight=3, gating=False, due=None, waived=None, pillar="process"):
    start, end = waived if waived else (None, None)
    return ItemFacts(pillar, weight, gating, status, due, waived_from=start, waived_until=end)


def test_a_waived_item_leaves_the_counted_weight_like_not_applicable():
    waived = facts(weight=4, waived=(TODAY - DAY, TODAY + 30 * DAY))
    done = facts("done", weight=2)
    totals = scoring.totals_by_pillar([waived, done], TODAY)["process"]
    assert (totals.counted_weight, totals.done_weight, totals.counted) == (2, 2, 1)
    assert (totals.waived, totals.waived_weight) == (1, 4)
    assert scoring.pillar_score(totals) == D("100.0")


def test_a_waived_item_is_neither_open_nor_overdue_nor_an_open_gating_item():
    item = facts("blocked", gating=True, due=TODAY - 5 * DAY, waived=(TODAY - DAY, TODAY))
    totals = scoring.totals_by_pillar([item, facts("done")], TODAY)["process"]
    assert (totals.open, totals.overdue, totals.blocked, totals.open_gating, totals.overdue_gating) == (0, 0, 0, 0, 0)


def test_waived_gating_items_do_not_stop_ready_nor_trigger_the_day1_step():
    items = [facts("done", weight=5, pillar=p) for p in ("people", "process", "technology")]
    items.append(facts(gating=True, due=TODAY - DAY, waived=(TODAY - 10 * DAY, TODAY + 10 * DAY)))
    score = scoring.score_cloud(scoring.totals_by_pillar(items, TODAY), stage="pre_launch",
                                day1=TODAY + 3 * DAY, today=TODAY)
    assert (score.overall, score.level.level) == (D("100.0"), scoring.READY)
    unwaived = [*items[:3], facts(gating=True, due=TODAY - DAY)]
    score = scoring.score_cloud(scoring.totals_by_pillar(unwaived, TODAY), stage="pre_launch",
                                day1=TODAY + 3 * DAY, today=TODAY)
    assert (score.level.level, score.level.reason) == (scoring.NOT_READY, scoring.REASON_GATING_NEAR_DAY1)


@pytest.mark.parametrize(("day", "waived"), [(TODAY - 11 * DAY, False), (TODAY - 10 * DAY, True), (TODAY, True),
                                             (TODAY + 10 * DAY, True), (TODAY + 11 * DAY, False)])
def test_a_waiver_applies_from_its_approval_day_to_its_expiry_day_inclusive(day, waived):
    item = facts(waived=(TODAY - 10 * DAY, TODAY + 10 * DAY))
    assert scoring.is_waived_on(item, day) is waived
    assert scoring.totals_by_pillar([item], day)["process"].counted == (0 if waived else 1)


def test_a_done_item_counts_as_done_whatever_its_waiver_says():
    item = facts("done", weight=3, waived=(TODAY - DAY, TODAY + DAY))
    totals = scoring.totals_by_pillar([item], TODAY)["process"]
    assert (totals.done_weight, totals.counted_weight, totals.waived) == (3, 3, 0)


def test_totals_add_up_waived_counts():
    assert (Totals(waived=1, waived_weight=3) + Totals(waived=2, waived_weight=4)).waived_weight == 7


# -- in the database ----------------------------------------------------------------

def waive(item, *, requester, approver, expires, today=TODAY):
    waiver = request_waiver(item=item, reason="Supplier late", compensating_control="Manual daily check",
                            expires_on=expires, actor=requester, source=ChangeSource.BROWSER, today=today)
    return decide_waiver(waiver=waiver, approve=True, note="", actor=approver, source=ChangeSource.BROWSER,
                         today=today)


def test_snapshots_count_waived_items_and_weights_and_leave_them_out_of_the_score(world):
    # Small framework: PPL-01 w5 gating, PPL-02 w2, PRC-01 w4 gating, PRC-02 w3, TEC-01 w3, TEC-02 w5 gating.
    cloud = world.cloud_a
    set_status(item_of(cloud, "PPL-02"), ItemStatus.DONE)
    waive(item_of(cloud, "PPL-01"), requester=world.partner_user, approver=world.pm_assigned,
          expires=TODAY + 30 * DAY)
    recompute_scores([cloud.pk], today=TODAY)
    rows = {row.scope: row for row in ScoreSnapshot.objects.filter(cloud=cloud, day=TODAY)}
    assert (rows["people"].score, rows["people"].counted_weight, rows["people"].waived_weight) == (D("100.0"), 2, 5)
    assert (rows["people"].waived_count, rows["overall"].waived_count, rows["overall"].waived_weight) == (1, 1, 5)
    assert rows["overall"].open_gating_count == 2  # PRC-01 and TEC-02; PPL-01 is waived


def test_an_expired_waiver_counts_again_at_the_next_recompute(world):
    cloud = world.cloud_a
    waive(item_of(cloud, "PPL-01"), requester=world.partner_user, approver=world.pm_assigned,
          expires=TODAY + 2 * DAY)
    recompute_scores([cloud.pk], today=TODAY + 2 * DAY)
    assert ScoreSnapshot.objects.get(cloud=cloud, day=TODAY + 2 * DAY, scope="people").waived_count == 1
    recompute_scores([cloud.pk], today=TODAY + 3 * DAY)
    people = ScoreSnapshot.objects.get(cloud=cloud, day=TODAY + 3 * DAY, scope="people")
    assert (people.waived_count, people.counted_weight) == (0, 7)


def test_rebuilt_history_applies_a_waiver_only_on_its_days(world):
    cloud = world.cloud_a
    waive(item_of(cloud, "PPL-01"), requester=world.partner_user, approver=world.pm_assigned,
          expires=TODAY + 2 * DAY)
    rebuild_history([cloud.pk], days=6, today=TODAY + 4 * DAY)
    waived = dict(ScoreSnapshot.objects.filter(cloud=cloud, scope="people").values_list("day", "waived_count"))
    assert [waived[TODAY + n * DAY] for n in range(-1, 5)] == [0, 1, 1, 1, 0, 0]


def test_database_sums_equal_the_pure_sums_with_waivers_in_force_and_expired(world):
    codes = [(f"{prefix}-{n:02d}", pillar, "area", 1 + n % 5, n % 3 == 0)
             for prefix, pillar in (("PPL", "people"), ("PRC", "process"), ("TEC", "technology"))
             for n in range(1, 31)]
    cloud = make_cloud(partner=world.partner_a, framework=make_framework(codes, slug="wide"),
                       program_managers=[world.pm_assigned])
    rng = random.Random(11)
    random_items(cloud, rng)
    open_items = list(active_checklist(cloud).items.filter(status__in=["not_started", "in_progress", "blocked"]))
    for index, item in enumerate(open_items[:12]):
        expires = TODAY + (2 * DAY if index % 3 else -DAY)  # a third expired yesterday (approved long before)
        waive(item, requester=world.partner_user, approver=world.pm_assigned, expires=expires,
              today=TODAY - 5 * DAY)
    items = ChecklistItem.objects.filter(checklist__cloud=cloud).select_related("requirement")
    in_force = {w.item_id: (w.decided_on, w.expires_on) for w in Waiver.objects.filter(state="approved")}
    pure = scoring.totals_by_pillar(
        [ItemFacts(i.requirement.pillar, i.requirement.weight, i.requirement.gating, i.status, i.due_date,
                   waived_from=in_force.get(i.pk, (None, None))[0], waived_until=in_force.get(i.pk, (None, None))[1])
         for i in items], TODAY)
    assert pillar_totals([cloud.pk], TODAY)[cloud.pk] == pure
    assert sum(totals.waived for totals in pure.values()) == 8


# -- asking ---------------------------------------------------------------------------

@pytest.mark.parametrize(("expires", "problem"), [
    (TODAY, "after today"), (TODAY - DAY, "after today"), (TODAY + 181 * DAY, "at most 180 days"),
])
def test_an_expiry_out_of_range_is_refused(world, expires, problem):
    with pytest.raises(ValidationError, match=problem):
        request_waiver(item=item_of(world.cloud_a, "PPL-01"), reason="r", compensating_control="c",
                       expires_on=expires, actor=world.partner_user, source=ChangeSource.BROWSER, today=TODAY)
    assert not Waiver.objects.exists()


def test_the_longest_waiver_allowed_is_the_setting(world, settings):
    settings.WAIVER_MAX_DAYS = 30
    item = item_of(world.cloud_a, "PPL-01")
    with pytest.raises(ValidationError):
        request_waiver(item=item, reason="r", compensating_control="c", expires_on=TODAY + 31 * DAY,
                       actor=world.partner_user, source=ChangeSource.BROWSER, today=TODAY)
    request_waiver(item=item, reason="r", compensating_control="c", expires_on=TODAY + 30 * DAY,
                   actor=world.partner_user, source=ChangeSource.BROWSER, today=TODAY)


def test_only_open_items_can_be_waived(world):
    item = set_status(item_of(world.cloud_a, "PPL-02"), ItemStatus.DONE)
    with pytest.raises(ValidationError, match="open item"):
        request_waiver(item=item, reason="r", compensating_control="c", expires_on=TODAY + DAY,
                       actor=world.partner_user, source=ChangeSource.BROWSER, today=TODAY)


def test_one_request_at_a_time_and_none_while_one_is_in_force(world):
    item = item_of(world.cloud_a, "PPL-01")
    ask = dict(reason="r", compensating_control="c", expires_on=TODAY + 9 * DAY, actor=world.partner_user,
               source=ChangeSource.BROWSER, today=TODAY)
    waiver = request_waiver(item=item, **ask)
    with pytest.raises(ValidationError, match="waiting for a decision"):
        request_waiver(item=item, **ask)
    decide_waiver(waiver=waiver, approve=True, note="", actor=world.admin, source=ChangeSource.BROWSER, today=TODAY)
    with pytest.raises(ValidationError, match="already in force until"):
        request_waiver(item=item, **ask)


def test_an_extension_asked_while_a_waiver_is_in_force_must_expire_later(world):
    item = item_of(world.cloud_a, "PPL-01")
    waive(item, requester=world.partner_user, approver=world.pm_assigned, expires=TODAY + 9 * DAY)
    extension = waive(item, requester=world.partner_user, approver=world.pm_assigned, expires=TODAY + 40 * DAY)
    assert extension.state == WaiverState.APPROVED
    rebuilt = scoring.totals_by_pillar([facts(waived=(TODAY, TODAY + 40 * DAY))], TODAY + 20 * DAY)
    assert rebuilt["process"].waived == 1
    recompute_scores([world.cloud_a.pk], today=TODAY + 20 * DAY)
    assert ScoreSnapshot.objects.get(cloud=world.cloud_a, day=TODAY + 20 * DAY, scope="people").waived_count == 1


@pytest.mark.parametrize(("field", "value"), [("reason", " "), ("compensating_control", "")])
def test_a_reason_and_a_compensating_control_are_required(world, field, value):
    ask = dict(reason="r", compensating_control="c")
    ask[field] = value
    with pytest.raises(ValidationError) as caught:
        request_waiver(item=item_of(world.cloud_a, "PPL-01"), expires_on=TODAY + DAY, actor=world.partner_user,
                       source=ChangeSource.BROWSER, today=TODAY, **ask)
    assert field in caught.value.message_dict


@pytest.mark.parametrize("who", ["executive", "pm_unassigned", "other_partner_user", "no_role"])
def test_people_who_cannot_edit_the_item_cannot_ask(world, who):
    with pytest.raises(PermissionDenied):
        request_waiver(item=item_of(world.cloud_a, "PPL-01"), reason="r", compensating_control="c",
                       expires_on=TODAY + DAY, actor=getattr(world, who), source=ChangeSource.BROWSER, today=TODAY)


def test_a_withdrawn_waiver_stops_applying(world):
    item = item_of(world.cloud_a, "PPL-01")
    waiver = waive(item, requester=world.partner_user, approver=world.pm_assigned, expires=TODAY + 9 * DAY)
    withdraw_waiver(waiver=waiver, actor=world.partner_user, source=ChangeSource.BROWSER)
    assert Waiver.objects.get(pk=waiver.pk).state == WaiverState.WITHDRAWN
    assert pillar_totals([world.cloud_a.pk], TODAY)[world.cloud_a.pk]["people"].waived == 0


# -- deciding: the approval matrix ------------------------------------------------------

def partner_key(world, partner):
    key, _ = PartnerAPIKey.objects.create_key(name=f"tool-{partner.slug}", partner=partner)
    return PartnerKeyActor(key)


REQUESTERS = ["partner_user", "partner_key", "pm_assigned", "admin"]
DECIDERS = ["admin", "second_admin", "pm_assigned", "pm_unassigned", "executive", "partner_user",
            "other_partner_user", "partner_key", "no_role"]
# (requester, decider) -> may decide; the requester deciding their own is in the table too.
MAY_DECIDE = {
    ("partner_user", "admin"), ("partner_user", "second_admin"), ("partner_user", "pm_assigned"),
    ("partner_key", "admin"), ("partner_key", "second_admin"), ("partner_key", "pm_assigned"),
    ("pm_assigned", "admin"), ("pm_assigned", "second_admin"),
    ("admin", "second_admin"),
}


@pytest.fixture
def cast(world):
    from clouds.choices import UserRole
    from tests.builders import make_user

    world.second_admin = make_user("admin-2", role=UserRole.ADMINISTRATOR, is_staff=True)
    world.partner_key = partner_key(world, world.partner_a)
    return world


@pytest.mark.parametrize("requester", REQUESTERS)
@pytest.mark.parametrize("decider", DECIDERS)
def test_who_may_approve_a_waiver(cast, requester, decider):
    item = item_of(cast.cloud_a, "PPL-01")
    waiver = request_waiver(item=item, reason="r", compensating_control="c", expires_on=TODAY + 9 * DAY,
                            actor=getattr(cast, requester), source=ChangeSource.API, today=TODAY)
    allowed = (requester, decider) in MAY_DECIDE
    assert (why_cannot_decide(getattr(cast, decider), waiver) is None) is allowed
    if allowed:
        decide_waiver(waiver=waiver, approve=True, note="ok", actor=getattr(cast, decider),
                      source=ChangeSource.BROWSER, today=TODAY)
        assert Waiver.objects.get(pk=waiver.pk).state == WaiverState.APPROVED
    else:
        with pytest.raises(PermissionDenied):
            decide_waiver(waiver=waiver, approve=True, note="", actor=getattr(cast, decider),
                          source=ChangeSource.BROWSER, today=TODAY)
        assert Waiver.objects.get(pk=waiver.pk).state == WaiverState.REQUESTED


def test_nobody_approves_their_own_waiver_even_an_administrator(cast):
    waiver = request_waiver(item=item_of(cast.cloud_a, "PPL-01"), reason="r", compensating_control="c",
                            expires_on=TODAY + 9 * DAY, actor=cast.admin, source=ChangeSource.BROWSER, today=TODAY)
    with pytest.raises(PermissionDenied, match="own"):
        decide_waiver(waiver=waiver, approve=True, note="", actor=cast.admin, source=ChangeSource.BROWSER,
                      today=TODAY)


def test_a_decided_waiver_cannot_be_decided_again(cast):
    waiver = waive(item_of(cast.cloud_a, "PPL-01"), requester=cast.partner_user, approver=cast.pm_assigned,
                   expires=TODAY + 9 * DAY)
    with pytest.raises(ValidationError, match="already approved"):
        decide_waiver(waiver=waiver, approve=False, note="", actor=cast.admin, source=ChangeSource.BROWSER,
                      today=TODAY)


def test_a_waiver_expired_before_approval_cannot_be_approved(cast):
    waiver = request_waiver(item=item_of(cast.cloud_a, "PPL-01"), reason="r", compensating_control="c",
                            expires_on=TODAY + 2 * DAY, actor=cast.partner_user, source=ChangeSource.BROWSER,
                            today=TODAY)
    with pytest.raises(ValidationError, match="expired before"):
        decide_waiver(waiver=waiver, approve=True, note="", actor=cast.admin, source=ChangeSource.BROWSER,
                      today=TODAY + 3 * DAY)


def test_rejecting_leaves_the_item_counted(cast):
    item = item_of(cast.cloud_a, "PPL-01")
    waiver = request_waiver(item=item, reason="r", compensating_control="c", expires_on=TODAY + 9 * DAY,
                            actor=cast.partner_user, source=ChangeSource.BROWSER, today=TODAY)
    decide_waiver(waiver=waiver, approve=False, note="Do the work", actor=cast.pm_assigned,
                  source=ChangeSource.BROWSER, today=TODAY)
    assert pillar_totals([cast.cloud_a.pk], TODAY)[cast.cloud_a.pk]["people"].waived == 0


def test_a_rejection_says_why(cast):
    waiver = request_waiver(item=item_of(cast.cloud_a, "PPL-01"), reason="r", compensating_control="c",
                            expires_on=TODAY + 9 * DAY, actor=cast.partner_user, source=ChangeSource.BROWSER,
                            today=TODAY)
    with pytest.raises(ValidationError) as caught:
        decide_waiver(waiver=waiver, approve=False, note=" ", actor=cast.pm_assigned, source=ChangeSource.BROWSER,
                      today=TODAY)
    assert "note" in caught.value.message_dict
    assert Waiver.objects.get(pk=waiver.pk).state == WaiverState.REQUESTED
