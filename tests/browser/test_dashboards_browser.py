"""Dashboards in a real browser: charts drawn from local plotly.js, nothing leaves the machine,
and a hostile cloud name stays text everywhere."""

import pytest
from playwright.sync_api import expect

from readiness.choices import ChangeSource
from readiness.services import update_item
from readiness.snapshots.recompute import rebuild_history
from tests.builders import active_checklist, make_cloud

pytestmark = pytest.mark.django_db(transaction=True)
HOSTILE = "<script>alert(1)</script>\"'"


def plotted(page, plot_id):
    page.wait_for_function(f"() => document.getElementById('{plot_id}') && "
                           f"document.getElementById('{plot_id}').data !== undefined")
    return page.evaluate(f"document.getElementById('{plot_id}').data.map(t => ({{name: t.name, x: t.x, y: t.y}}))")


def test_portfolio_and_cloud_dashboards_draw_their_charts_locally(page, live_server, world, sign_in,
                                                                   outside_requests):
    item = active_checklist(world.cloud_a).items.get(requirement__code="PPL-01")
    update_item(item=item, changes={"status": "done"}, actor=None, source=ChangeSource.JOB, expected_version=1)
    rebuild_history(None, days=15)
    sign_in(page.context, world.executive)
    outside = outside_requests(page)
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    scripts = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)

    page.goto(f"{live_server.url}/dashboards/")
    bars = plotted(page, "plot-pillars")
    assert [trace["name"] for trace in bars] == ["People", "Process", "Technology"]
    people = dict(zip(bars[0]["x"], bars[0]["y"], strict=True))
    assert people["Cloud A"] == 71.4  # PPL-01 (weight 5) done of 7
    assert len(plotted(page, "plot-trends")) == 2
    assert plotted(page, "plot-heatmap")
    expect(page.locator("#plot-pillars .main-svg").first).to_be_visible()

    page.goto(f"{live_server.url}/dashboards/cloud-a/")
    traces = plotted(page, "plot-scores")
    overall = next(trace for trace in traces if trace["name"] == "Overall")
    assert len(overall["x"]) == 15 and overall["y"][-1] == 23.8

    assert any(url.endswith("/static/vendor/plotly.min.js") for url in scripts)
    page.hover("#plot-scores")
    assert page.locator("#plot-scores .modebar-btn[data-title*='PNG']").count() == 1
    assert page.locator("#plot-scores [data-title*='Chart Studio'], #plot-scores [data-title*='Share']").count() == 0
    assert outside == []
    assert blocked == []  # the policy blocks nothing the dashboards need


def test_a_hostile_cloud_name_stays_text_in_page_charts_narrative_and_downloads(page, live_server, world, sign_in):
    hostile = make_cloud("hostile", name=HOSTILE, partner=world.partner_a, framework=world.framework)
    item = active_checklist(hostile).items.get(requirement__code="PRC-02")
    update_item(item=item, changes={"notes": '=HYPERLINK("http://evil.example","x")'}, actor=None,
                source=ChangeSource.JOB, expected_version=1)
    rebuild_history(None, days=3)
    sign_in(page.context, world.executive)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    for url in ("/dashboards/", "/dashboards/hostile/"):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert HOSTILE in page.inner_text("main")
        assert HOSTILE in page.inner_text(".narrative")
        svg_text = page.evaluate("Array.from(document.querySelectorAll('.main-svg text'))"
                                 ".map(node => node.textContent).join('|')")
        assert "<script>alert(1)</script>" in svg_text
        assert page.evaluate("document.querySelectorAll('.main-svg script').length") == 0
    assert dialogs == []

    items_csv = page.request.get(f"{live_server.url}/dashboards/items.csv?cloud=hostile").text()
    assert HOSTILE.replace('"', '""') in items_csv
    assert "'=HYPERLINK" in items_csv and ',=HYPERLINK' not in items_csv and '"=HYPERLINK' not in items_csv
    markdown = page.request.get(f"{live_server.url}/dashboards/hostile/narrative.md").text()
    assert "\\<script\\>alert(1)\\</script\\>\"'" in markdown and "<script>" not in markdown
