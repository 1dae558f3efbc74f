"""The people pages in a real browser: charts drawn under the strict CSP with no console error, legends under
the plot, nothing scrolling sideways on a phone."""

import pytest

from tests.people.test_people_pages import staff_cloud_a

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def staffed(world):
    return staff_cloud_a(world)


NO_SIDEWAYS_SCROLL = """() => {
  const page = document.documentElement.scrollWidth <= document.documentElement.clientWidth;
  const boxes = [...document.querySelectorAll('.table-wrap')].every(box => box.scrollWidth <= box.clientWidth + 1);
  return page && boxes;
}"""


@pytest.mark.parametrize(("viewport", "role"), [(PHONE, "pm_assigned"), (PHONE, "executive"),
                                                ({"width": 1280, "height": 900}, "partner_user")])
def test_the_cloud_people_page_draws_its_charts_and_fits_the_screen(browser, live_server, staffed, sign_in,
                                                                     viewport, role):
    page = sign_in(browser.new_context(viewport=viewport), getattr(staffed, role)).new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/clouds/cloud-a/people/")
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                           ".filter(plot => plot.querySelector('.main-svg')).length === 2")
    legends = page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].map(n => n.layout.legend || {})")
    assert all(legend.get("orientation") == "h" and legend.get("yref") == "container" for legend in legends)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert errors == []


def test_the_renewals_page_fits_a_phone(browser, live_server, staffed, sign_in):
    page = sign_in(browser.new_context(viewport=PHONE), staffed.admin).new_page()
    page.goto(f"{live_server.url}/people/renewals/")
    assert page.locator("table.renewals tbody tr").count() == 4
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
