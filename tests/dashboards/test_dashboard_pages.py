"""Dashboards through the real views: scoping, filters, exports and a fixed query budget."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readiness.choices import ChangeSource
from readiness.services import update_item
from readiness.snapshots.recompute import rebuild_history
from tests.builders import active_checklist, make_cloud


def test_partner_sees_only_its_clouds_on_every_dashboard_and_export(client, world):
    rebuild_history(None, days=10)
    client.force_login(world.partner_user)
    page = client.get(reverse("dashboards:portfolio"))
    assert [row.slug for row in page.context["rows"]] == ["cloud-a"]
    body = page.content.decode()
    assert "Cloud A" in body and "Cloud B" not in body
    assert client.get(reverse("dashboards:cloud", args=["cloud-b"])).status_code == 404
    assert client.get(reverse("dashboards:cloud_markdown", args=["cloud-b"])).status_code == 404
    assert client.get(reverse("dashboards:items_csv") + "?cloud=cloud-b").status_code == 404
    items = list(csv.reader(io.StringIO(client.get(reverse("dashboards:items_csv")).content.decode())))
    assert {row[0] for row in items[1:]} == {"Cloud A"} and len(items) == 7
    scores = list(csv.reader(io.StringIO(client.get(reverse("dashboards:scores_csv")).content.decode())))
    assert {row[0] for row in scores[1:]} == {"Cloud A"}
    markdown = client.get(reverse("dashboards:portfolio_markdown")).content.decode()
    assert "Cloud B" not in markdown and markdown.startswith("# Portfolio readiness")


def test_executive_sees_every_cloud_and_can_filter_by_kind_and_stage(client, world):
    make_cloud("gov-cloud", name="Gov Cloud", kind="government", stage="building")
    client.force_login(world.executive)
    all_rows = client.get(reverse("dashboards:portfolio")).context["rows"]
    assert [row.slug for row in all_rows] == ["cloud-a", "cloud-b", "gov-cloud"]
    filtered = client.get(reverse("dashboards:portfolio") + "?kind=government").context["rows"]
    assert [row.slug for row in filtered] == ["gov-cloud"]
    staged = client.get(reverse("dashboards:portfolio") + "?stage=pre_launch&stage=building").context["rows"]
    assert len(staged) == 3
    bad = client.get(reverse("dashboards:portfolio") + "?kind=public")
    assert bad.status_code == 400 and "kind: use sovereign or government." in bad.content.decode()
    md = client.get(reverse("dashboards:portfolio_markdown") + "?kind=government").content.decode()
    assert "1 cloud:" in md


def test_cloud_dashboard_shows_history_actions_and_a_narrative(client, world):
    item = active_checklist(world.cloud_a).items.get(requirement__code="PPL-01")
    update_item(item=item, changes={"status": "done"}, actor=None, source=ChangeSource.JOB, expected_version=1)
    rebuild_history([world.cloud_a.pk], days=12)
    client.force_login(world.pm_assigned)
    page = client.get(reverse("dashboards:cloud", args=["cloud-a"]))
    detail = page.context["detail"]
    assert len(detail.history["overall"]) == 12
    assert len(detail.actions) == 3 and detail.actions[0].gain >= detail.actions[-1].gain
    scores = page.context["figures"]["scores"]
    assert [trace["name"] for trace in scores["data"]][:4] == ["Overall", "People", "Process", "Technology"]
    assert page.context["narrative"]["title"].startswith("Cloud A: Not ready")
    download = client.get(reverse("dashboards:cloud_markdown", args=["cloud-a"]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert "actions that would raise readiness most" in download.content.decode()


def test_a_new_cloud_without_checklist_or_history_renders(client, world):
    make_cloud("fresh", name="Fresh Cloud")
    client.force_login(world.executive)
    assert client.get(reverse("dashboards:cloud", args=["fresh"])).status_code == 200
    assert client.get(reverse("dashboards:portfolio")).status_code == 200


def count(client, url):
    client.get(url)  # in-process mode computes missing snapshots on the first read
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_portfolio_queries_are_the_same_at_5_and_50_clouds(client, world):
    for n in range(3):
        make_cloud(f"extra-{n}", partner=world.partner_a, framework=world.framework)
    rebuild_history(None, days=8)
    client.force_login(world.executive)
    small = count(client, reverse("dashboards:portfolio"))
    for n in range(3, 48):
        make_cloud(f"extra-{n}", partner=world.partner_a, framework=world.framework)
    rebuild_history(None, days=8)
    large = count(client, reverse("dashboards:portfolio"))
    assert small == large and small > 5


def test_cloud_dashboard_queries_do_not_grow_with_history(client, world):
    client.force_login(world.executive)
    rebuild_history([world.cloud_a.pk], days=5)
    small = count(client, reverse("dashboards:cloud", args=["cloud-a"]))
    rebuild_history([world.cloud_a.pk], days=90)
    assert count(client, reverse("dashboards:cloud", args=["cloud-a"])) == small


def test_exports_follow_the_portfolio_filters_and_refuse_malformed_clouds(client, world):
    make_cloud("gov-cloud", name="Gov Cloud", kind="government", partner=world.partner_a, framework=world.framework)
    client.force_login(world.executive)
    rows = list(csv.reader(io.StringIO(client.get(reverse("dashboards:items_csv") + "?kind=government")
                                       .content.decode())))
    assert {row[0] for row in rows[1:]} == {"Gov Cloud"}
    assert client.get(reverse("dashboards:items_csv") + "?cloud=a%00b").status_code == 400
    assert client.get(reverse("dashboards:scores_csv") + "?cloud=NOPE").status_code == 400


def test_csv_quotes_every_cell_so_no_locale_splits_a_formula(client, world):
    item = active_checklist(world.cloud_a).items.get(requirement__code="PPL-01")
    update_item(item=item, changes={"notes": "see ticket;=SUM(1)"}, actor=None, source=ChangeSource.JOB,
                expected_version=1)
    client.force_login(world.executive)
    body = client.get(reverse("dashboards:items_csv") + "?cloud=cloud-a").content.decode()
    assert '"see ticket;=SUM(1)"' in body and all(line.startswith('"') for line in body.splitlines())


def test_the_gating_table_lists_clouds_not_yet_launched(client, world):
    import datetime as dt

    from clouds.models import Cloud

    Cloud.objects.filter(pk=world.cloud_b.pk).update(stage="retired", day1_date=dt.date(2020, 1, 1))
    client.force_login(world.executive)
    gating = client.get(reverse("dashboards:portfolio")).context["gating"]
    assert {row.cloud_slug for row in gating} == {"cloud-a"}


def test_csv_downloads_offer_a_bom_for_excel_and_give_full_names_beside_usernames(client, world):
    item = active_checklist(world.cloud_a).items.get(requirement__code="PPL-01")
    world.partner_user.first_name, world.partner_user.last_name = "Amélie", "Durand"
    world.partner_user.save()
    update_item(item=item, changes={"owner": world.partner_user.pk}, actor=None, source=ChangeSource.JOB,
                expected_version=1)
    client.force_login(world.executive)
    plain = client.get(reverse("dashboards:items_csv") + "?cloud=cloud-a").content
    marked = client.get(reverse("dashboards:items_csv") + "?cloud=cloud-a&bom=1").content
    assert not plain.startswith(b"\xef\xbb\xbf") and marked == b"\xef\xbb\xbf" + plain
    rows = list(csv.DictReader(io.StringIO(plain.decode())))
    owned = {row["code"]: (row["owner"], row["owner_name"]) for row in rows}
    assert owned["PPL-01"] == ("partner-a-staff", "Amélie Durand") and owned["PPL-02"] == ("", "")
    scores = client.get(reverse("dashboards:scores_csv") + "?bom=1").content
    assert scores.startswith(b"\xef\xbb\xbf")
    assert client.get(reverse("dashboards:items_csv") + "?bom=yes").status_code == 400
