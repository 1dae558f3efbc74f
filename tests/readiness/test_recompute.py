import datetime as dt
import random
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clouds.models import Cloud
from readiness import scoring
from readiness.choices import ChangeSource, ItemStatus
from readiness.models import ChecklistItem, CloudScoreState, JobHeartbeat, ScoreSnapshot
from readiness.services import update_item
from readiness.snapshots import refresh
from readiness.snapshots.recompute import rebuild_history, recompute_scores
from readiness.snapshots.refresh import refresh_clouds, sweep_stale
from readiness.snapshots.sums import pillar_totals
from tests.builders import active_checklist, make_cloud, make_framework, make_partner

TODAY = dt.date(2026, 6, 15)


def set_status(item, status, **extra):
    changes = {"status": status, **extra}
    if status == ItemStatus.NOT_APPLICABLE:
        changes.setdefault("na_justification", "Not in scope")
    return update_item(item=item, changes=changes, actor=None, source=ChangeSource.JOB,
                       expected_version=item.version)


def item_of(cloud, code):
    return active_checklist(cloud).items.select_related("requirement").get(requirement__code=code)


def snapshots(cloud, day=TODAY):
    return {row.scope: row for row in ScoreSnapshot.objects.filter(cloud=cloud, day=day)}


def test_recompute_writes_pillar_and_overall_snapshots_with_their_sums(world):
    # Small framework: PPL-01 w5 gating, PPL-02 w2, PRC-01 w4 gating, PRC-02 w3, TEC-01 w3, TEC-02 w5 gating.
    cloud = world.cloud_a
    set_status(item_of(cloud, "PPL-01"), ItemStatus.DONE)
    set_status(item_of(cloud, "PRC-02"), ItemStatus.NOT_APPLICABLE)
    set_status(item_of(cloud, "PRC-01"), ItemStatus.BLOCKED, due_date=TODAY - dt.timedelta(days=1))
    recompute_scores([cloud.pk], today=TODAY)

    rows = snapshots(cloud)
    assert set(rows) == {"people", "process", "technology", "overall"}
    assert (rows["people"].score, rows["people"].done_weight, rows["people"].counted_weight) == (D("71.4"), 5, 7)
    assert (rows["process"].score, rows["process"].counted_count, rows["process"].blocked_count) == (D("0.0"), 1, 1)
    assert rows["technology"].score == D("0.0")
    assert rows["overall"].score == D("23.8")  # (71.4 + 0 + 0) / 3
    assert (rows["overall"].level, rows["overall"].reason) == ("not_ready", "low_score")
    assert rows["overall"].open_gating_count == 2 and rows["overall"].overdue_count == 1
    assert rows["people"].level == ""


def test_recomputing_the_same_day_updates_its_rows(world):
    recompute_scores([world.cloud_a.pk], today=TODAY)
    first = snapshots(world.cloud_a)["overall"]
    set_status(item_of(world.cloud_a, "TEC-01"), ItemStatus.DONE)
    recompute_scores([world.cloud_a.pk], today=TODAY)
    assert ScoreSnapshot.objects.filter(cloud=world.cloud_a, day=TODAY).count() == 4
    second = snapshots(world.cloud_a)["overall"]
    assert second.pk == first.pk and second.score > first.score and second.computed_at >= first.computed_at


def test_cloud_without_checklist_scores_no_data(world):
    bare = make_cloud("bare")
    recompute_scores([bare.pk], today=TODAY)
    overall = snapshots(bare)["overall"]
    assert (overall.score, overall.level, overall.reason) == (None, "not_ready", "no_data")


def random_items(cloud, rng):
    statuses = list(ItemStatus.values)
    for item in active_checklist(cloud).items.all():
        status = rng.choice(statuses)
        due = TODAY + dt.timedelta(days=rng.randint(-20, 20)) if rng.random() < 0.8 else None
        set_status(item, status, due_date=due)


def test_database_aggregate_gives_the_same_sums_as_the_pure_functions(world):
    codes = [(f"{prefix}-{n:02d}", pillar, "area", 1 + n % 5, n % 3 == 0)
             for prefix, pillar in (("PPL", "people"), ("PRC", "process"), ("TEC", "technology"))
             for n in range(1, 41)]
    framework = make_framework(codes, slug="wide")
    clouds = [make_cloud(partner=world.partner_a, framework=framework) for _ in range(3)]
    rng = random.Random(7)
    for cloud in clouds:
        random_items(cloud, rng)

    from_database = pillar_totals([cloud.pk for cloud in clouds], TODAY)
    for cloud in clouds:
        facts = [scoring.ItemFacts(i.requirement.pillar, i.requirement.weight, i.requirement.gating, i.status,
                                   i.due_date)
                 for i in ChecklistItem.objects.filter(checklist__cloud=cloud).select_related("requirement")]
        assert from_database[cloud.pk] == scoring.totals_by_pillar(facts, TODAY)
        assert from_database[cloud.pk]["people"].counted > 0


def test_recompute_costs_the_same_queries_at_200_and_2000_items(world):
    def cloud_with(count, slug):
        codes = [(f"TEC-{n:03d}" if n < 1000 else f"PRC-{n - 999:03d}", "technology" if n < 1000 else "process",
                  "area", 1 + n % 5, n % 7 == 0) for n in range(1, count + 1)]
        return make_cloud(slug, partner=world.partner_a, framework=make_framework(codes, slug=f"fw-{slug}"))

    def queries(cloud):
        recompute_scores([cloud.pk], today=TODAY)  # first run creates rows; measure the steady state
        with CaptureQueriesContext(connection) as captured:
            recompute_scores([cloud.pk], today=TODAY)
        return len(captured)

    small, large = queries(cloud_with(200, "small")), queries(cloud_with(1998, "large"))
    assert small == large
    assert small <= 8


def test_edit_marks_the_cloud_stale_and_the_commit_recomputes_it(world, django_capture_on_commit_callbacks):
    refresh_clouds([world.cloud_a.pk])
    assert CloudScoreState.objects.get(cloud=world.cloud_a).stale is False
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        set_status(item_of(world.cloud_a, "TEC-01"), ItemStatus.DONE)
    assert CloudScoreState.objects.get(cloud=world.cloud_a).stale is True
    for callback in callbacks:
        callback()  # the on-commit enqueue; tasks run in-process here
    state = CloudScoreState.objects.get(cloud=world.cloud_a)
    assert state.stale is False
    assert snapshots(world.cloud_a, timezone.localdate())["technology"].done_weight == 3


def test_a_change_after_the_refresh_read_its_generation_keeps_the_cloud_stale(world, monkeypatch):
    import readiness.snapshots.recompute as recompute_module
    from readiness.snapshots.freshness import mark_stale

    real_totals = recompute_module.pillar_totals

    def totals_then_concurrent_edit(ids, today):
        result = real_totals(ids, today)
        mark_stale(ids)  # an edit that lands after the refresh read the generation
        return result

    monkeypatch.setattr(recompute_module, "pillar_totals", totals_then_concurrent_edit)
    refresh_clouds([world.cloud_a.pk], today=TODAY)
    assert CloudScoreState.objects.get(cloud=world.cloud_a).stale is True
    monkeypatch.setattr(recompute_module, "pillar_totals", real_totals)
    refresh_clouds([world.cloud_a.pk], today=TODAY)
    assert CloudScoreState.objects.get(cloud=world.cloud_a).stale is False


def test_a_crash_between_scores_and_findings_leaves_the_cloud_stale_for_the_sweep(world, monkeypatch):
    refresh_clouds([world.cloud_a.pk], today=TODAY)
    set_status(item_of(world.cloud_a, "TEC-01"), ItemStatus.DONE)
    CloudScoreState.objects.filter(cloud=world.cloud_a).update(stale=True)

    def worker_killed(*args, **kwargs):
        raise SystemExit("killed between the two steps")

    monkeypatch.setattr(refresh, "refresh_findings", worker_killed)
    with pytest.raises(SystemExit):
        refresh_clouds([world.cloud_a.pk], today=TODAY)
    assert snapshots(world.cloud_a)["technology"].done_weight == 3  # the scores were saved...
    assert CloudScoreState.objects.get(cloud=world.cloud_a).stale is True  # ...but the cloud is not fresh
    monkeypatch.undo()
    assert world.cloud_a.pk in sweep_stale(today=TODAY).cloud_ids
    assert CloudScoreState.objects.get(cloud=world.cloud_a).stale is False


def test_recompute_scores_command_refreshes_findings_too(world):
    Finding = world.cloud_a.findings.model
    assert not Finding.objects.filter(cloud=world.cloud_a).exists()
    call_command("recompute_scores", "--cloud", world.cloud_a.slug, verbosity=0)
    assert Finding.objects.filter(cloud=world.cloud_a, rule="unowned", resolved_at__isnull=True).exists()
    assert CloudScoreState.objects.get(cloud=world.cloud_a).stale is False


def test_saving_a_cloud_marks_it_stale(world):
    refresh_clouds([world.cloud_a.pk])
    world.cloud_a.day1_date = TODAY
    world.cloud_a.save()
    assert CloudScoreState.objects.get(cloud=world.cloud_a).stale is True


def test_sweep_recomputes_only_stale_clouds_and_beats(world):
    refresh_clouds(None, today=TODAY)
    CloudScoreState.objects.filter(cloud=world.cloud_b).update(stale=True)
    assert sweep_stale(today=TODAY).cloud_ids == [world.cloud_b.pk]
    assert not CloudScoreState.objects.filter(stale=True).exists()
    assert JobHeartbeat.objects.filter(name="score-sweep").exists()


def test_rebuilt_history_ends_with_what_todays_recompute_gives(world):
    today = timezone.localdate()
    cloud = world.cloud_a
    for code in ("PPL-01", "PRC-01", "TEC-02"):
        set_status(item_of(cloud, code), ItemStatus.DONE)
    ChecklistItem.objects.filter(checklist__cloud=cloud, requirement__code="PPL-01").update(
        completed_at=timezone.now() - dt.timedelta(days=20))
    written = rebuild_history([cloud.pk], days=30, today=today)
    assert written == 30 * 4
    history = dict(ScoreSnapshot.objects.filter(cloud=cloud, scope="overall").values_list("day", "score"))
    assert history[today - dt.timedelta(days=29)] == D("0.0")
    assert history[today - dt.timedelta(days=19)] == D("23.8")  # PPL-01 (5 of 7) done from day -20
    rebuilt = {scope: row.score for scope, row in snapshots(cloud, today).items()}
    recompute_scores([cloud.pk], today=today)
    assert {scope: row.score for scope, row in snapshots(cloud, today).items()} == rebuilt


def test_level_uses_the_day1_rule_on_the_page(client, world):
    cloud = world.cloud_a
    Cloud.objects.filter(pk=cloud.pk).update(day1_date=timezone.localdate() + dt.timedelta(days=10))
    for item in active_checklist(cloud).items.exclude(requirement__code="PPL-01"):
        set_status(item, ItemStatus.DONE)
    recompute_scores([cloud.pk])
    client.force_login(world.executive)
    body = client.get("/").content.decode()
    assert 'data-reason="gating_near_day1"' in body
    assert "Gating items open close to Day 1" in body


def test_demo_history_has_one_prelaunch_cloud_on_track_and_one_late(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    today = timezone.localdate()
    forecasts = dict(ScoreSnapshot.objects.filter(scope="overall", day=today, cloud__stage="pre_launch")
                     .values_list("cloud__slug", "forecast_status"))
    assert forecasts == {"switzerland": "on_track", "netherlands": "late"}
    from readiness.demo import HISTORY_DAYS

    days = ScoreSnapshot.objects.filter(scope="overall", cloud__slug="france").count()
    assert days == HISTORY_DAYS


def test_recompute_scores_command(world, capsys):
    call_command("recompute_scores", "--cloud", "cloud-a")
    assert "1 cloud(s)" in capsys.readouterr().out
    call_command("recompute_scores", "--since", "5")
    assert ScoreSnapshot.objects.filter(scope="overall").count() == 10
    with pytest.raises(CommandError, match="No cloud"):
        call_command("recompute_scores", "--cloud", "nope")
    with pytest.raises(CommandError, match="at least 1"):
        call_command("recompute_scores", "--since", "0")


def test_in_process_mode_computes_missing_snapshots_on_read(client, world, settings):
    settings.REDIS_URL = None
    assert not ScoreSnapshot.objects.exists()
    client.force_login(world.executive)
    rows = client.get("/").context["rows"]
    assert all(row["scores"].overall.day == timezone.localdate() for row in rows)


def test_with_a_broker_pages_show_the_latest_snapshot_without_writing(client, world, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    recompute_scores(None, today=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(world.executive)
    body = client.get("/").content.decode()
    assert "as of" in body
    assert not ScoreSnapshot.objects.filter(day=timezone.localdate()).exists()


def test_partner_scope_applies_to_scores_on_home(client, world):
    make_partner("idle")
    recompute_scores(None)
    client.force_login(world.partner_user)
    rows = client.get("/").context["rows"]
    assert [row["cloud"].slug for row in rows] == ["cloud-a"]
    assert rows[0]["scores"].overall is not None


def test_a_daily_refresh_that_dies_half_way_leaves_fresh_clouds_stale_for_the_sweep(world, monkeypatch):
    refresh_clouds(None, today=TODAY)
    assert not CloudScoreState.objects.filter(stale=True).exists()

    def worker_killed(*args, **kwargs):
        raise SystemExit("killed between the two steps")

    monkeypatch.setattr(refresh, "refresh_findings", worker_killed)
    with pytest.raises(SystemExit):
        refresh.refresh_all(today=TODAY)
    assert set(CloudScoreState.objects.filter(stale=True).values_list("cloud_id", flat=True)) == {
        world.cloud_a.pk, world.cloud_b.pk}
    monkeypatch.undo()
    assert sorted(sweep_stale(today=TODAY).cloud_ids) == sorted([world.cloud_a.pk, world.cloud_b.pk])
    assert not CloudScoreState.objects.filter(stale=True).exists()


def test_in_process_pages_retry_a_cloud_left_stale_by_a_failed_refresh(client, world, settings, monkeypatch):
    settings.REDIS_URL = None
    refresh_clouds([world.cloud_a.pk])
    set_status(item_of(world.cloud_a, "TEC-01"), ItemStatus.DONE)  # refreshed on commit (in-process)
    CloudScoreState.objects.filter(cloud=world.cloud_a).update(stale=True)  # as if the findings step had failed
    client.force_login(world.admin)
    assert client.get("/").status_code == 200
    assert CloudScoreState.objects.get(cloud=world.cloud_a).stale is False
