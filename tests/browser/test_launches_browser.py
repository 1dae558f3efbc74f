"""Launch governance in a real browser: a program manager records a go with conditions at cloud A's go/no-go
gate, the decision page shows the conditions and its evidence's SHA-256, and each condition shows in "My items"
of its owner (and only there) until it is marked met. A go with conditions without a condition is refused."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from launches.models import Decision, DecisionCondition
from tests.launches import conftest as launches_conftest

pytestmark = pytest.mark.django_db(transaction=True)
gated = launches_conftest.gated  # the cast on a framework with gates, cloud A's Day 1 in 20 days (not seen from here)

DECIDE = "/clouds/cloud-a/launch/gates/go-no-go/decide/"
PARTNER_TASK = "Run the failover drill with the partner's on-call team"
PM_TASK = "Confirm the escalation matrix with the steering committee"
CONDITIONS_SECTION = "section[data-section='launch-decision-conditions']"


def watch_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def open_decide_from_the_launch_page(page, live_server):
    page.goto(f"{live_server.url}/clouds/cloud-a/launch/")
    page.locator("tr[data-gate='go-no-go']").get_by_role("link", name=re.compile(r"^Record a decision")).click()
    expect(page).to_have_url(f"{live_server.url}{DECIDE}")
    expect(page.locator("main h1")).to_have_text("Record a decision: Go/no-go")


def fill_the_meeting(page, outcome="Go with conditions"):
    main = page.locator("main")
    main.get_by_role("radio", name=outcome, exact=True).check()
    main.get_by_label("Decided by").fill("Steering committee chair")
    main.get_by_label("Attendees").fill("Alice Martin, Partner A\nBruno Keller, program office")
    main.get_by_label("Rationale").fill("Score is short of 90 but the gaps are planned; go on two conditions.")


def fill_condition(page, number, text, owner_label, due_on):
    row = page.locator(f"main [data-condition='{number}']")
    row.get_by_label("Condition").fill(text)
    row.get_by_label("Owner").select_option(label=owner_label)
    row.get_by_label("Due on").fill(due_on.isoformat())


def submit(page):
    page.locator("main form button[type=submit]").click()  # never the header's "Sign out"


def test_a_go_with_conditions_puts_each_condition_in_its_owners_my_items(browser, live_server, gated, sign_in):
    world = gated
    due = world.today + dt.timedelta(days=10)
    pm = sign_in(browser.new_context(), world.pm_assigned).new_page()
    errors = watch_errors(pm)

    open_decide_from_the_launch_page(pm, live_server)
    fill_the_meeting(pm)
    fill_condition(pm, 1, PARTNER_TASK, world.partner_user.username, due)
    fill_condition(pm, 2, PM_TASK, world.pm_assigned.username, due + dt.timedelta(days=2))
    submit(pm)

    expect(pm).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/launches/decisions/\d+/$"))
    decision = Decision.objects.get()
    assert pm.url == f"{live_server.url}/launches/decisions/{decision.pk}/"
    assert (decision.cloud_id, decision.gate_code, decision.outcome) == (world.cloud_a.pk, "go-no-go",
                                                                         "go_with_conditions")
    assert decision.attendee_list == ["Alice Martin, Partner A", "Bruno Keller, program office"]
    stored = {c.text: (c.owner_id, c.due_on) for c in DecisionCondition.objects.filter(decision=decision)}
    assert stored == {PARTNER_TASK: (world.partner_user.pk, due),
                      PM_TASK: (world.pm_assigned.pk, due + dt.timedelta(days=2))}

    expect(pm.locator("main .messages")).to_contain_text("Decision recorded")
    expect(pm.locator("main h1 [data-outcome]")).to_have_text("Go with conditions")
    shown = pm.locator("main [data-condition]")
    expect(shown).to_have_count(2)
    expect(shown.filter(has_text=PARTNER_TASK)).to_contain_text("Owner partner-a-staff")
    expect(shown.filter(has_text=PM_TASK)).to_contain_text("Owner pm-assigned")
    sha = pm.locator("main [data-sha256]")
    expect(sha).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    assert sha.inner_text() == decision.evidence_sha256
    expect(pm.locator("main .evidence")).to_contain_text("matches the stored evidence")
    expect(pm.locator("main .evidence")).not_to_contain_text("DOES NOT match")

    # Each owner sees their own condition in My items, never the other's.
    partner = sign_in(browser.new_context(), world.partner_user).new_page()
    errors += watch_errors(partner)
    partner.goto(f"{live_server.url}/my-items/")
    mine = partner.locator(CONDITIONS_SECTION)
    expect(mine.locator("h2")).to_have_text("Launch decision conditions")
    expect(mine.locator("tbody tr")).to_have_count(1)
    expect(mine).to_contain_text(PARTNER_TASK)
    expect(mine).not_to_contain_text(PM_TASK)
    expect(mine.locator(f"time[datetime='{due.isoformat()}']")).to_be_visible()

    pm.goto(f"{live_server.url}/my-items/")
    expect(pm.locator(CONDITIONS_SECTION).locator("tbody tr")).to_have_count(1)
    expect(pm.locator(CONDITIONS_SECTION)).to_contain_text(PM_TASK)
    expect(pm.locator(CONDITIONS_SECTION)).not_to_contain_text(PARTNER_TASK)

    # The partner follows the row to the decision and marks their condition met; the PM's is not theirs to mark.
    mine.get_by_role("link", name=PARTNER_TASK).click()
    expect(partner).to_have_url(f"{live_server.url}/launches/decisions/{decision.pk}/")
    expect(partner.locator("main").get_by_role("button", name="Mark met")).to_have_count(1)
    theirs = DecisionCondition.objects.get(text=PARTNER_TASK)
    card = partner.locator(f"main [data-condition='{theirs.pk}']")
    card.get_by_label("How it was met").fill("Drill run on the staging region; report attached to the item.")
    card.get_by_role("button", name="Mark met").click()
    expect(partner.locator("main .messages")).to_contain_text("Condition marked met.")
    expect(card).to_contain_text("Met ")
    expect(card).to_contain_text("met by partner-a-staff: Drill run on the staging region")
    theirs.refresh_from_db()
    assert theirs.done_by_id == world.partner_user.pk and theirs.done_at is not None

    partner.goto(f"{live_server.url}/my-items/")
    expect(mine.locator("tbody tr")).to_have_count(0)
    expect(mine).to_contain_text("None.")
    pm.reload()
    expect(pm.locator(CONDITIONS_SECTION).locator("tbody tr")).to_have_count(1)  # the PM's is still open
    assert errors == []


@pytest.mark.parametrize(("conditions", "message"), [
    ([], "A go with conditions needs at least one condition."),
    ([("half-filled", None)], "A condition needs its text, an owner and a due date."),
])
def test_a_go_with_conditions_without_a_complete_condition_is_refused_and_nothing_is_stored(
        browser, live_server, gated, sign_in, conditions, message):
    page = sign_in(browser.new_context(), gated.pm_assigned).new_page()
    open_decide_from_the_launch_page(page, live_server)
    fill_the_meeting(page)
    for text, _owner in conditions:  # text only: no owner, no due date
        page.locator("main [data-condition='1']").get_by_label("Condition").fill(text)
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        submit(page)

    assert posted.value.status == 400
    expect(page).to_have_url(f"{live_server.url}{DECIDE}")
    expect(page.locator("main .form-error[role=alert]").first).to_contain_text("Nothing was saved")
    expect(page.locator("main")).to_contain_text(message)
    expect(page.locator("main").get_by_role("radio", name="Go with conditions", exact=True)).to_be_checked()
    expect(page.locator("main").get_by_label("Rationale")).to_have_value(re.compile("go on two conditions"))
    assert Decision.objects.count() == 0
    assert DecisionCondition.objects.count() == 0
