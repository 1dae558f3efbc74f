"""The people pages' plain values: credential states at their boundaries, who counts today, counts by role,
renewal rows with names only where given and critical first."""

import datetime as dt

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import translation

from people import roster
from people.coverage import Credential, Person, Renewal, Requirement
from people.roster import EXPIRED, EXPIRES_SOON, NOT_YET_VALID, VALID, credential_state

TODAY = dt.date(2026, 6, 15)
CLOUD = 7


def days(n):
    return TODAY + dt.timedelta(days=n)


def test_credential_states_at_their_boundaries():
    def state(completed, expires):
        return credential_state(Credential("x", completed, expires), TODAY, 90)

    assert state(days(-10), None) == VALID  # a training without an expiry date
    assert state(days(-10), days(91)) == VALID
    assert state(days(-10), days(90)) == EXPIRES_SOON
    assert state(days(-10), days(1)) == EXPIRES_SOON
    assert state(days(-10), days(0)) == EXPIRED  # valid until, not including, the expiry day
    assert state(days(1), days(700)) == NOT_YET_VALID


def test_the_latest_record_of_each_type_is_shown():
    old, renewed = Credential("b", days(-800), days(-70)), Credential("b", days(-80), days(650))
    other = Credential("a", days(-5), None)
    assert roster.latest_of_each_kind([renewed, other, old]) == [other, renewed]


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_dates_are_written_as_the_template_filter_writes_them(language):
    with translation.override(language):
        format_day = roster.day_formatter()
        for day in [dt.date(2026, month, day) for month in range(1, 13) for day in (1, 9, 28)] + [
                dt.date(999, 3, 5), dt.date(9999, 12, 31)]:
            assert format_day(day) == date_filter(day, "j M Y"), (language, day)


def test_credential_rows_carry_their_state_and_expiry_written_out():
    credentials = [Credential("cloud_background_check", days(-400), days(30)),
                   Credential("national_clearance", days(-10), None), Credential("public_trust", days(2), days(700))]
    rows = roster.credential_rows(credentials, TODAY, 90, screenings=True)
    assert [(row.label, row.state, row.state_label, row.expires_iso, row.expires_text) for row in rows] == [
        ("Cloud background check", EXPIRES_SOON, "Expires soon", "2026-07-15", "15 Jul 2026"),
        ("National security clearance", VALID, "Valid", "", ""),
        ("Public trust (US)", NOT_YET_VALID, "Not yet valid", "2028-05-15", "15 May 2028"),
    ]


SUPPORT = Requirement(1, CLOUD, "support_engineer", 2, frozenset({"FR"}), frozenset({"cloud_background_check"}))
DUTY = Requirement(2, CLOUD, "duty_manager", 1)


def person(pid, *, roles=("support_engineer",), citizenships=("FR",), expires=None, active=True):
    expires = expires or days(300)
    return Person(pid, active, frozenset(roles), frozenset({CLOUD}), frozenset(citizenships),
                  (Credential("cloud_background_check", days(-400), expires),))


def test_roster_rows_only_for_people_with_a_name_given():
    people = [person(1), person(2, roles=("support_engineer", "duty_manager")), person(3, citizenships=("DE",))]
    rows = roster.roster_rows(people, [SUPPORT, DUTY], TODAY, names={2: ("Bo", "X-2"), 3: ("al", "")},
                       employers={2: "Partner A", 3: ""}, soon_days=90)
    assert [(row.name, row.employer, row.counts_for) for row in rows] == [
        ("al", "Cloud provider", ()), ("Bo", "Partner A", ("Support engineer", "Duty manager"))]
    assert rows[1].roles == ("Support engineer", "Duty manager") and rows[1].counts_today
    assert (rows[1].roles_text, rows[1].counts_for_text, rows[1].citizenships_text) == (
        "Support engineer, Duty manager", "Support engineer, Duty manager", "FR")
    assert (rows[0].counts_for_text, rows[0].citizenships_text) == ("", "DE")


def test_role_counts_and_expiry_marks():
    people = [person(1, expires=days(20)), person(2, active=False), person(3, citizenships=("DE",)),
              person(4, roles=("duty_manager",))]
    counts = {count.role: count for count in roster.role_counts(people, [SUPPORT], TODAY, employers={1: "P"})}
    assert set(counts) == {"support_engineer", "duty_manager"}
    support = counts["support_engineer"]
    assert (support.headcount, support.active, support.counted_today) == (3, 2, 1)
    assert support.by_employer == (("Cloud provider", 2), ("P", 1))
    assert counts["duty_manager"].counted_today == 0  # no requirement for the role
    # Only people counted today mark the chart (2 is inactive, 3 not French), within the days shown.
    assert roster.expiry_dates(people, SUPPORT, TODAY, days(180)) == [days(20)]
    later = [*people, person(5, expires=days(200))]
    assert roster.expiry_dates(later, SUPPORT, TODAY, days(365)) == [days(20), days(200)]


def test_renewal_rows_are_critical_first_then_by_expiry_and_anonymous_ones_are_counted():
    people = {pid: person(pid) for pid in range(1, 6)}
    due = [("b", "Cloud B", Renewal(1, "cloud_background_check", days(50), False)),
           ("a", "Cloud A", Renewal(2, "cloud_background_check", days(40), True)),
           ("a", "Cloud A", Renewal(3, "cloud_background_check", days(10), False)),
           ("a", "Cloud A", Renewal(4, "cloud_background_check", days(10), False)),
           ("a", "Cloud A", Renewal(5, "national_clearance", days(10), False))]
    rows = roster.renewal_rows(due, people, names={2: ("Zoe", ""), 4: ("Ann", "")},
                               employers={3: "Partner A", 5: "Partner A"})
    assert [(row.cloud_slug, row.name, row.people, row.employer, row.screening, row.critical) for row in rows] == [
        ("a", "Zoe", 1, "Cloud provider", "Cloud background check", True),
        ("a", "Ann", 1, "Cloud provider", "Cloud background check", False),
        ("a", "", 1, "Partner A", "Cloud background check", False),
        ("a", "", 1, "Partner A", "National security clearance", False),
        ("b", "", 1, "Cloud provider", "Cloud background check", False),
    ]
    assert roster.renewal_counts(rows) == (5, 1)


def test_anonymous_renewals_alike_are_one_row_with_a_count():
    people = {pid: person(pid) for pid in (1, 2)}
    due = [("a", "Cloud A", Renewal(pid, "cloud_background_check", days(30), False)) for pid in (1, 2)]
    (row,) = roster.renewal_rows(due, people, names={}, employers={1: "Partner A", 2: "Partner A"})
    assert (row.name, row.people, row.anonymous) == ("", 2, True)
