"""The operations pages in a real browser: a known value drawn where it belongs under the strict CSP, no console
error, nothing scrolling sideways on a phone."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from operations.catalog_file import load_catalog_file
from operations.models import MetricDefinition, MetricValue

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}

NO_SIDEWAYS_SCROLL = """() => {
  const page = document.documentElement.scrollWidth <= document.documentElement.clientWidth;
  const boxes = [...document.querySelectorAll('.table-wrap')].every(box => box.scrollWidth <= box.clientWidth + 1);
  return page && boxes;
}"""
ALL_DRAWN = """(count) => [...document.querySelectorAll('[data-figure]')]
  .filter(node => node.querySelector('.main-svg')).length === count"""


@pytest.fixture
def reported(world):
    load_catalog_file()
    today = timezone.localdate()
    sla = MetricDefinition.objects.get(code="initial_response_sla_met")
    MetricValue.objects.bulk_create([MetricValue(cloud=world.cloud_a, metric=sla, day=today - dt.timedelta(days=n),
                                                 value=Decimal(value)) for n, value in ((0, "80.5"), (1, "96"))])
    world.cloud_a.day1_date = today - dt.timedelta(days=30)
    world.cloud_a.save()
    return world


def watch_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}])
def test_the_cloud_page_draws_the_reported_value_against_its_target(browser, live_server, reported, sign_in, viewport):
    page = sign_in(browser.new_context(viewport=viewport), reported.partner_user).new_page()
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/operations/clouds/cloud-a/")
    page.wait_for_function(ALL_DRAWN, arg=8)
    drawn = page.evaluate("""() => {
      const plot = document.querySelector('#plot-metric-initial_response_sla_met');
      const value = plot.data.find(trace => trace.name === 'Value');
      const target = plot.data.find(trace => trace.name.startsWith('Target'));
      return {x: value.x.at(-1), y: value.y.at(-1), before: value.y.at(-2), target: target.y,
              shapes: (plot.layout.shapes || []).map(shape => shape.type),
              points: plot.querySelectorAll('.scatterlayer .trace .points path').length};
    }""")
    assert drawn["x"] == timezone.localdate().isoformat()
    assert (drawn["y"], drawn["before"], drawn["target"]) == (80.5, 96, [95, 95])
    assert drawn["shapes"] == ["rect", "line"]  # hypercare and Day 1
    assert drawn["points"] >= 2  # the markers really are in the SVG
    assert "80.5 %" in page.locator("table.breaches").inner_text()  # beyond the watch band (85.5 to 95)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert errors == []


@pytest.mark.parametrize("path", ["/operations/", "/operations/launches/"])
def test_the_portfolio_and_launches_fit_a_phone(browser, live_server, reported, sign_in, path):
    page = sign_in(browser.new_context(viewport=PHONE), reported.executive).new_page()
    errors = watch_errors(page)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_function(ALL_DRAWN, arg=1 if path == "/operations/" else 2)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert errors == []
