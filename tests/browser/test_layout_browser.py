"""Pages fit their screen: the clouds table on a laptop, the checklist and its editor on a phone, charts too."""

import pytest

from readiness.insights.engine import refresh_findings
from readiness.snapshots.refresh import refresh_clouds
from tests.builders import active_checklist

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}

NO_SIDEWAYS_SCROLL = """() => {
  const page = document.documentElement.scrollWidth <= document.documentElement.clientWidth;
  const boxes = [...document.querySelectorAll('.table-wrap')].every(box => box.scrollWidth <= box.clientWidth + 1);
  return page && boxes;
}"""


@pytest.mark.parametrize("width", [1280, 1366, 1920])
def test_the_clouds_table_fits_a_laptop_screen(browser, live_server, world, sign_in, width):
    refresh_clouds(None)
    refresh_findings(None)
    page = sign_in(browser.new_context(viewport={"width": width, "height": 900}), world.admin).new_page()
    page.goto(f"{live_server.url}/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    risks = page.locator("table.clouds thead th", has_text="Risks").bounding_box()
    assert risks["x"] + risks["width"] <= width  # the last column is on screen


def test_on_a_phone_the_checklist_does_not_scroll_sideways_and_the_editor_fits(browser, live_server, world,
                                                                             sign_in):
    page = sign_in(browser.new_context(viewport=PHONE), world.pm_assigned).new_page()
    page.goto(f"{live_server.url}/clouds/cloud-a/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    item = active_checklist(world.cloud_a).items.get(requirement__code="PPL-01")
    page.click(f"[data-edit='{item.pk}']")
    page.select_option(f"#status-{item.pk}", "not_applicable")  # shows the justification field too
    controls = page.locator(f"#item-{item.pk}-edit").locator("select, input:not([type=hidden]), textarea, button")
    assert controls.count() >= 7
    for index in range(controls.count()):
        box = controls.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], index
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


def test_on_a_phone_charts_put_their_legend_under_the_plot_without_a_toolbar(browser, live_server, world, sign_in):
    refresh_clouds(None)
    page = sign_in(browser.new_context(viewport=PHONE), world.executive).new_page()
    page.goto(f"{live_server.url}/dashboards/")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")
    legends = page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].map(n => n.layout.legend || {})")
    assert legends and all(legend.get("orientation") == "h" and legend.get("yref") == "container"
                           for legend in legends)
    assert page.locator(".modebar").count() == 0
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
