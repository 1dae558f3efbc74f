"""A program manager and partners editing checklists in a real browser."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from readiness.models import ChecklistItem
from tests.builders import active_checklist

pytestmark = pytest.mark.django_db(transaction=True)


def item_of(world, code, cloud="cloud_a"):
    return active_checklist(getattr(world, cloud)).items.get(requirement__code=code)


def open_checklist(page, live_server, slug="cloud-a"):
    response = page.goto(f"{live_server.url}/clouds/{slug}/")
    return response


def test_program_manager_changes_status_inline_and_sees_pillar_progress(page, live_server, world, sign_in,
                                                                         outside_requests):
    sign_in(page.context, world.pm_assigned)
    outside = outside_requests(page)
    open_checklist(page, live_server)
    progress = page.locator("#pillar-head-people .figure")
    expect(progress).to_have_text("0 / 2 done")
    item = item_of(world, "PPL-01")

    page.click(f"[data-edit='{item.pk}']")
    page.select_option(f"#status-{item.pk}", "done")
    page.click(f"#item-{item.pk}-edit button[type=submit]")

    expect(page.locator(f"#item-{item.pk} [data-status]")).to_have_text("Done")
    expect(page.locator("#pillar-head-people .figure")).to_have_text("1 / 2 done")
    expect(page.locator("#cloud-summary [data-score='people']")).to_have_text("71.4")
    assert ChecklistItem.objects.get(pk=item.pk).status == "done"
    assert outside == []


def tab_to(page, selector, limit=400):
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"never reached {selector} with the Tab key")


def test_the_same_edit_with_the_keyboard_alone(page, live_server, world, sign_in):
    sign_in(page.context, world.pm_assigned)
    open_checklist(page, live_server)
    item = item_of(world, "PPL-01")

    tab_to(page, f"[data-edit='{item.pk}']")
    page.keyboard.press("Enter")
    expect(page.locator(f"#item-{item.pk}-edit")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == f"status-{item.pk}"
    page.keyboard.type("Done")  # typing a label's start picks it in a focused select
    expect(page.locator(f"#status-{item.pk}")).to_have_value("done")
    tab_to(page, f"#item-{item.pk}-edit button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator("#pillar-head-people .figure")).to_have_text("1 / 2 done")
    expect(page.locator(f"#item-{item.pk} [data-status]")).to_have_text("Done")
    assert page.evaluate("document.activeElement.getAttribute('data-edit')") == str(item.pk)  # focus returns
    assert ChecklistItem.objects.get(pk=item.pk).status == "done"


def test_escape_closes_the_editor_and_returns_focus(page, live_server, world, sign_in):
    sign_in(page.context, world.pm_assigned)
    open_checklist(page, live_server)
    item = item_of(world, "PRC-01")
    page.click(f"[data-edit='{item.pk}']")
    page.keyboard.press("Escape")
    expect(page.locator(f"#item-{item.pk}-edit")).to_be_hidden()
    assert page.evaluate("document.activeElement.getAttribute('data-edit')") == str(item.pk)


def two_editors_on_one_item(browser, live_server, world, sign_in):
    """A program manager and a partner engineer, each in their own browser, with PPL-02's editor open."""
    first = sign_in(browser.new_context(), world.pm_assigned).new_page()
    second = sign_in(browser.new_context(), world.partner_user).new_page()
    item = item_of(world, "PPL-02")
    for page in (first, second):
        open_checklist(page, live_server)
        page.click(f"[data-edit='{item.pk}']")
    return first, second, item


def test_second_of_two_concurrent_saves_is_refused_with_the_other_change_shown(browser, live_server, world,
                                                                               sign_in):
    first, second, item = two_editors_on_one_item(browser, live_server, world, sign_in)

    first.select_option(f"#status-{item.pk}", "blocked")
    first.fill(f"#notes-{item.pk}", "Trainer unavailable until January")
    first.click(f"#item-{item.pk}-edit button[type=submit]")
    expect(first.locator(f"#item-{item.pk} [data-status]")).to_have_text("Blocked")

    second.fill(f"#notes-{item.pk}", "Course booked")
    second.click(f"#item-{item.pk}-edit button[type=submit]")
    feedback = second.locator(f"#item-{item.pk}-edit [data-feedback]")
    expect(feedback).to_contain_text("Someone else saved this item")
    expect(feedback).to_contain_text("Blocked")
    expect(feedback).to_contain_text("Trainer unavailable until January")

    saved = ChecklistItem.objects.get(pk=item.pk)
    assert (saved.status, saved.notes, saved.version) == ("blocked", "Trainer unavailable until January", 2)


def test_save_again_after_a_conflict_keeps_both_peoples_intended_changes(browser, live_server, world, sign_in):
    from readiness.audit import item_history

    first, second, item = two_editors_on_one_item(browser, live_server, world, sign_in)

    first.select_option(f"#status-{item.pk}", "in_progress")
    first.fill(f"#notes-{item.pk}", "Trainer booked for 12 January")
    first.click(f"#item-{item.pk}-edit button[type=submit]")
    expect(first.locator(f"#item-{item.pk} [data-status]")).to_have_text("In progress")

    second.select_option(f"#status-{item.pk}", "done")
    second.click(f"#item-{item.pk}-edit button[type=submit]")
    feedback = second.locator(f"#item-{item.pk}-edit [data-feedback]")
    expect(feedback).to_contain_text("You both changed the fields below")
    expect(second.locator(f"#notes-{item.pk}")).to_have_value("Trainer booked for 12 January")  # theirs, shown
    expect(feedback.locator("input[name=resolve_status][value=mine]")).to_be_checked()
    second.click(f"#item-{item.pk}-edit button[type=submit]")  # save again, keeping "Done"
    expect(second.locator(f"#item-{item.pk} [data-status]")).to_have_text("Done")

    saved = ChecklistItem.objects.get(pk=item.pk)
    assert (saved.status, saved.notes, saved.version) == ("done", "Trainer booked for 12 January", 3)
    changes = [(change.field, change.new) for entry in item_history(saved) for change in entry.changes]
    assert ("notes", "(none)") not in changes  # nobody's notes were reverted
    assert [field for field, _ in changes].count("notes") == 1


def test_partner_user_gets_404_on_another_partners_cloud(page, live_server, world, sign_in):
    sign_in(page.context, world.partner_user)
    assert open_checklist(page, live_server, "cloud-b").status == 404
    assert open_checklist(page, live_server, "cloud-a").status == 200
    hidden = item_of(world, "PPL-01", cloud="cloud_b")
    assert page.goto(f"{live_server.url}/items/{hidden.pk}/").status == 404


def serious_violations(page):
    violations = Axe().run(page).response["violations"]
    return [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
            for v in violations if v["impact"] in ("serious", "critical")]


def test_checklist_and_item_pages_pass_an_axe_scan(page, live_server, world, sign_in):
    sign_in(page.context, world.pm_assigned)
    open_checklist(page, live_server)
    assert serious_violations(page) == []
    item = item_of(world, "PPL-01")
    page.click(f"[data-edit='{item.pk}']")  # the open inline editor too
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/items/{item.pk}/")
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/my-items/")
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/")
    assert serious_violations(page) == []
    from readiness.insights.engine import refresh_findings

    refresh_findings(None)
    for path in ("/risks/", "/dashboards/", "/dashboards/cloud-a/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == [], path


def test_justification_shows_only_for_not_applicable_and_a_refusal_keeps_focus(page, live_server, world, sign_in):
    sign_in(page.context, world.pm_assigned)
    open_checklist(page, live_server)
    item = item_of(world, "PRC-02")
    page.click(f"[data-edit='{item.pk}']")
    justification = page.locator(f"#na-{item.pk}")
    expect(justification).to_be_hidden()
    page.select_option(f"#status-{item.pk}", "not_applicable")
    expect(justification).to_be_visible()
    page.evaluate(f"document.getElementById('na-{item.pk}').required = false")  # let the server refuse it
    page.click(f"#item-{item.pk}-edit button[type=submit]")
    feedback = page.locator(f"#item-{item.pk}-edit [data-feedback]")
    expect(feedback).to_contain_text("na justification")
    assert page.evaluate("document.activeElement.hasAttribute('data-feedback')")
    assert ChecklistItem.objects.get(pk=item.pk).version == 1


def test_api_docs_load_from_the_portal_only(page, live_server, outside_requests):
    outside = outside_requests(page)
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Support-readiness portal API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert outside == []
    assert any("/static/drf_spectacular_sidecar/" in url for url in seen)
    assert page.locator("img[src*='validator']").count() == 0  # the online validator badge is off
