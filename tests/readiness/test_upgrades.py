"""Framework upgrades: the preview per cloud equals the applied result, and every item keeps its work."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from readiness.choices import ChangeSource, ItemStatus
from readiness.models import ChecklistItem, FrameworkMove, Waiver
from readiness.snapshots.reads import live_score
from readiness.upgrades import ADDED, CHANGED, REMOVED, apply_upgrade, clouds_behind, preview_upgrade
from readiness.waivers import decide_waiver, request_waiver
from tests.builders import SMALL_FRAMEWORK, active_checklist, framework_yaml, make_framework
from tests.readiness.test_recompute import item_of, set_status

# v2: PPL-02 removed, PRC-02 now gating and weight 5, TEC-01 weight 1, SEC-01 added.
V2 = [
    ("PPL-01", "people", "staffing", 5, True),
    ("PRC-01", "process", "escalation", 4, True),
    ("PRC-02", "process", "case-handling", 5, True),
    ("TEC-01", "technology", "tooling", 1, False),
    ("TEC-02", "technology", "access", 5, True),
    ("TEC-03", "technology", "security", 3, False),
]


def prepare(world):
    today = timezone.localdate()
    cloud = world.cloud_a
    set_status(item_of(cloud, "PPL-01"), ItemStatus.DONE)
    set_status(item_of(cloud, "PPL-02"), ItemStatus.DONE)
    set_status(item_of(cloud, "PRC-02"), ItemStatus.IN_PROGRESS, due_date=today - dt.timedelta(days=3))
    set_status(item_of(cloud, "TEC-01"), ItemStatus.NOT_APPLICABLE)
    waiver = request_waiver(item=item_of(cloud, "TEC-02"), reason="late", compensating_control="manual",
                            expires_on=today + dt.timedelta(days=20), actor=world.partner_user,
                            source=ChangeSource.BROWSER)
    decide_waiver(waiver=waiver, approve=True, note="", actor=world.pm_assigned, source=ChangeSource.BROWSER)
    return today, make_framework(V2, version=2)


def test_the_diff_names_requirements_added_removed_and_changed(world):
    today, v2 = prepare(world)
    preview = preview_upgrade(v2, clouds_behind(v2, [world.cloud_a]), today)[0]
    changes = {change.code: (change.kind, change.details) for change in preview.changes}
    assert changes["TEC-03"] == (ADDED, ())
    assert changes["PPL-02"] == (REMOVED, ())
    assert changes["PRC-02"] == (CHANGED, ("weight 3 -> 5", "now gating"))
    assert changes["TEC-01"] == (CHANGED, ("weight 3 -> 1",))
    assert "PPL-01" not in changes and preview.items_kept == 5


def test_the_preview_equals_the_applied_result_for_every_cloud(world):
    today, v2 = prepare(world)
    set_status(item_of(world.cloud_b, "TEC-01"), ItemStatus.DONE)
    checklists = clouds_behind(v2, [world.cloud_a, world.cloud_b])
    previews = {preview.cloud.pk: preview for preview in preview_upgrade(v2, checklists, today)}
    assert previews[world.cloud_a.pk].before == live_score(world.cloud_a, today)
    apply_upgrade(v2, checklists, actor=world.pm_assigned)
    for cloud in (world.cloud_a, world.cloud_b):
        cloud.refresh_from_db()
        assert previews[cloud.pk].after == live_score(cloud, today)
    after = previews[world.cloud_a.pk].after
    assert after.overall_totals.waived == 1 and after.pillar_totals["process"].overdue_gating == 1


def test_applying_keeps_every_items_work_by_code_and_records_the_move(world):
    _, v2 = prepare(world)
    old = {item.requirement.code: item for item in active_checklist(world.cloud_a).items.select_related("requirement")}
    apply_upgrade(v2, clouds_behind(v2, [world.cloud_a]), actor=world.pm_assigned, source=ChangeSource.BROWSER)
    new = {item.requirement.code: item
           for item in active_checklist(world.cloud_a).items.select_related("requirement")}
    for code in set(old) & set(new):
        kept = ("status", "owner_id", "due_date", "evidence_url", "notes", "na_justification", "completed_at")
        assert [getattr(new[code], f) for f in kept] == [getattr(old[code], f) for f in kept], code
    assert new["TEC-03"].status == ItemStatus.NOT_STARTED
    assert Waiver.objects.get().item_id == new["TEC-02"].pk  # the waiver followed its item
    move = FrameworkMove.objects.get(cloud=world.cloud_a)
    retired = {row["code"]: row for row in move.retired_items}
    assert retired["PPL-02"] == {"retired_id": old["PPL-02"].pk, "code": "PPL-02", "replaced_by_id": None}
    assert retired["PRC-02"]["replaced_by_id"] == new["PRC-02"].pk
    assert move.added_codes == ["TEC-03"] and move.moved_by == world.pm_assigned


def test_the_upgrade_page_previews_and_moves_only_the_chosen_clouds_the_user_manages(world, client):
    _, v2 = prepare(world)
    client.force_login(world.pm_assigned)
    url = reverse("readiness:framework_upgrade", args=[v2.pk])
    page = client.get(url).content.decode()
    assert 'data-cloud="cloud-a"' in page and 'data-cloud="cloud-b"' in page
    assert 'value="cloud-a"' in page and 'value="cloud-b"' not in page  # cloud B is not theirs
    assert client.post(url, {"cloud": ["cloud-b"]}).status_code == 400
    assert client.post(url, {"cloud": ["cloud-a"]}).status_code == 302
    assert active_checklist(world.cloud_a).framework == v2 and active_checklist(world.cloud_b).framework != v2


def test_loading_a_framework_file_in_the_browser_leads_to_its_preview(world, client):
    client.force_login(world.pm_assigned)
    text = framework_yaml(V2, version=2).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("readiness:framework_load"), {"file": SimpleUploadedFile("v2.yaml", text)})
    assert response.status_code == 302 and "/upgrade/" in response["Location"]
    bad = client.post(reverse("readiness:framework_load"),
                      {"file": SimpleUploadedFile("bad.yaml", b"framework: [\n")})
    assert bad.status_code == 400 and b"was not loaded" in bad.content
    assert ChecklistItem.objects.filter(checklist__framework__version=2).count() == 0  # nothing moved


def test_the_shipped_framework_files_only_add_gates_in_version_3():
    from pathlib import Path

    from readiness.framework_file import parse_framework

    root = Path(__file__).resolve().parents[2] / "readiness" / "frameworks"
    v2 = parse_framework((root / "support-readiness-v2.yaml").read_text())
    v3 = parse_framework((root / "support-readiness-v3.yaml").read_text())
    assert v2.requirements == v3.requirements and not v2.extra
    assert [gate["code"] for gate in dict(v3.extra)["gates"]] == [
        "design-review", "readiness-review", "go-no-go", "hypercare-exit"]
    assert SMALL_FRAMEWORK  # the builders' framework stays gate-free (its hash is used by other tests)


def test_partner_tools_read_which_item_ids_retired_and_replaced_them(world, client):
    _, v2 = prepare(world)
    old_ppl02 = item_of(world.cloud_a, "PPL-02").pk
    apply_upgrade(v2, clouds_behind(v2, [world.cloud_a, world.cloud_b]), actor=world.admin)
    client.force_login(world.partner_user)
    (move,) = client.get("/api/v1/framework-moves/").json()  # cloud B's move is not theirs
    assert (move["cloud"], move["from_version"], move["to_version"], move["added_codes"]) == ("cloud-a", 1, 2,
                                                                                            ["TEC-03"])
    retired = {row["code"]: row for row in move["retired_items"]}
    assert retired["PPL-02"] == {"retired_id": old_ppl02, "code": "PPL-02", "replaced_by_id": None}
    assert retired["PPL-01"]["replaced_by_id"] == item_of(world.cloud_a, "PPL-01").pk
    assert client.get("/api/v1/framework-moves/?cloud=cloud-b").status_code == 404
