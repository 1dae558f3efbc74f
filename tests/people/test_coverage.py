"""Eligibility, coverage, the forecast and renewals at their boundaries. No database."""

import datetime as dt

import pytest

from people.coverage import (
    Credential,
    Person,
    Requirement,
    coverage,
    eligible_days,
    forecast,
    is_eligible,
    renewals,
)

TODAY = dt.date(2026, 6, 15)
CLOUD, OTHER_CLOUD = 1, 2


def day(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def screening(completed: int = -100, expires: int | None = 630, kind: str = "cloud_background_check"):
    return Credential(kind, day(completed), None if expires is None else day(expires))


def training(completed: int = -50, expires: int | None = None, kind: str = "sovereign-boundary"):
    return Credential(kind, day(completed), None if expires is None else day(expires))


def person(n: int = 1, *, active=True, roles=("support_engineer",), clouds=(CLOUD,), citizenships=("FR",),
           screenings=None, trainings=None) -> Person:
    return Person(n, active, frozenset(roles), frozenset(clouds), frozenset(citizenships),
                  tuple(screenings if screenings is not None else [screening()]),
                  tuple(trainings if trainings is not None else [training()]))


REQ = Requirement(10, CLOUD, "support_engineer", 2, frozenset({"FR", "DE"}), frozenset({"cloud_background_check"}),
                  frozenset({"sovereign-boundary"}))


def test_an_eligible_person():
    assert is_eligible(person(), REQ, TODAY)


@pytest.mark.parametrize(("who", "reason"), [
    (person(active=False), "inactive"),
    (person(roles=("duty_manager",)), "another role"),
    (person(clouds=(OTHER_CLOUD,)), "another cloud"),
    (person(citizenships=("US",)), "a citizenship the cloud does not allow"),
    (person(screenings=[]), "no screening"),
    (person(trainings=[]), "missing training"),
    (person(screenings=[screening(kind="national_clearance")]), "the wrong screening type"),
])
def test_not_eligible(who, reason):
    assert not is_eligible(who, REQ, TODAY), reason


def test_dual_citizens_count_when_one_citizenship_is_allowed():
    assert is_eligible(person(citizenships=("US", "DE")), REQ, TODAY)


def test_a_requirement_without_citizenships_allows_any():
    open_to_all = Requirement(11, CLOUD, "support_engineer", 1, frozenset(), REQ.screenings, REQ.trainings)
    assert is_eligible(person(citizenships=("US",)), open_to_all, TODAY)


def test_eligible_from_the_day_the_screening_completes():
    starts_today = person(screenings=[screening(completed=0)])
    assert is_eligible(starts_today, REQ, TODAY) and not is_eligible(starts_today, REQ, day(-1))


def test_not_eligible_on_the_expiry_day_itself():
    expires_tomorrow = person(screenings=[screening(expires=1)])
    assert is_eligible(expires_tomorrow, REQ, TODAY) and not is_eligible(expires_tomorrow, REQ, day(1))


def test_an_expired_training_no_longer_counts():
    assert not is_eligible(person(trainings=[training(expires=0)]), REQ, TODAY)


def test_a_renewed_screening_bridges_the_expiry():
    renewed = person(screenings=[screening(expires=10), screening(completed=5, expires=735)])
    assert all(is_eligible(renewed, REQ, day(n)) for n in range(0, 40))


def test_coverage_counts_eligible_people_against_the_minimum():
    result = coverage([person(1), person(2), person(3, active=False)], REQ, TODAY)
    assert (result.eligible, result.minimum, result.met) == (2, 2, True)
    assert not coverage([person(1)], REQ, TODAY).met


def test_eligible_days_agree_with_is_eligible_day_by_day():
    tricky = person(screenings=[screening(completed=-10, expires=20), screening(completed=25, expires=60)],
                    trainings=[training(completed=5, expires=50)])
    runs = eligible_days(tricky, REQ, TODAY, day(90))
    flags = [any(start <= n < end for start, end in runs) for n in range(91)]
    assert flags == [is_eligible(tricky, REQ, day(n)) for n in range(91)]


def test_the_forecast_gives_the_first_shortfall():
    lapsing = person(2, screenings=[screening(expires=30)])
    result = forecast([person(1), lapsing, person(3, trainings=[training(completed=40)])], REQ, TODAY, 180)
    assert result.counts[29] == 2 and result.counts[30] == 1  # the screening lapses on day 30
    assert result.first_shortfall == day(30)
    assert result.counts[40] == 2  # the third person's training completes on day 40


def test_the_forecast_met_throughout_has_no_shortfall():
    result = forecast([person(1), person(2)], REQ, TODAY, 180)
    assert result.met_throughout and result.first_shortfall is None and len(result.counts) == 181


def test_a_shortfall_today_is_the_first_day():
    assert forecast([person(1)], REQ, TODAY, 180).first_shortfall == TODAY


def test_renewals_due_within_the_window_critical_when_coverage_would_fall_short():
    people = [person(2, screenings=[screening(expires=30)]), person(3, screenings=[screening(expires=200)])]
    due = renewals(people, [REQ], TODAY, due_within_days=90, renewal_takes_days=60, horizon_days=180)
    assert [(r.person_id, r.expires_on, r.critical) for r in due] == [(2, day(30), True)]  # person 3: not due yet


def test_a_renewal_is_not_critical_when_others_keep_coverage():
    people = [person(1), person(4), person(2, screenings=[screening(expires=30)])]
    due = renewals(people, [REQ], TODAY, due_within_days=90, renewal_takes_days=60, horizon_days=180)
    assert [(r.person_id, r.critical) for r in due] == [(2, False)]


def test_a_renewal_that_can_complete_before_expiry_is_not_critical():
    people = [person(1), person(2, screenings=[screening(expires=80)])]
    due = renewals(people, [REQ], TODAY, due_within_days=90, renewal_takes_days=60, horizon_days=180)
    assert [(r.person_id, r.critical) for r in due] == [(2, False)]


def test_renewals_list_only_the_latest_screening_of_a_kind():
    renewed = person(2, screenings=[screening(expires=30), screening(completed=-5, expires=725)])
    assert renewals([person(1), renewed], [REQ], TODAY, due_within_days=90, renewal_takes_days=60,
                    horizon_days=180) == []


def test_critical_renewals_come_first():
    people = [person(1, screenings=[screening(expires=10)]), person(2, screenings=[screening(expires=5)]),
              person(5), person(6), person(7, roles=("duty_manager",), screenings=[screening(expires=3)])]
    managers = Requirement(12, CLOUD, "duty_manager", 1, frozenset(), frozenset({"cloud_background_check"}))
    due = renewals(people, [REQ, managers], TODAY, due_within_days=90, renewal_takes_days=60, horizon_days=180)
    assert [(r.person_id, r.critical) for r in due] == [(7, True), (2, False), (1, False)]


def test_leaving_out_records_lapsed_before_today_changes_no_coverage_forecast_or_renewal(world):
    """people_of(current_on=today) reads fewer rows and must give the same answers from today on."""
    from django.conf import settings

    from people.coverage import forecast, renewals
    from people.models import Screening, StaffingRequirement, StaffMember, Training
    from people.queries import people_of, requirements_of

    today = dt.date(2026, 6, 15)
    StaffingRequirement.objects.create(cloud=world.cloud_a, role="support_engineer", minimum=2,
                                       screenings="cloud_background_check", trainings="sovereign-boundary")
    for n, (screened, screen_expiry, trained_expiry) in enumerate([
            (dt.date(2024, 6, 15), dt.date(2026, 6, 15), None),  # expires today: still a renewal due
            (dt.date(2024, 6, 14), dt.date(2026, 6, 14), dt.date(2026, 6, 16)),  # lapsed yesterday
            (dt.date(2025, 1, 1), None, dt.date(2026, 6, 15)),  # training lapses today
            (dt.date(2026, 7, 1), None, None)]):  # not yet valid
        person = StaffMember.objects.create(full_name=f"P{n}", roles="support_engineer")
        person.clouds.set([world.cloud_a])
        Screening.objects.create(staff=person, kind="cloud_background_check", completed_on=dt.date(2020, 1, 1),
                                 expires_on=dt.date(2022, 1, 1))  # long gone
        Screening.objects.create(staff=person, kind="cloud_background_check", completed_on=screened,
                                 expires_on=screen_expiry)
        Training.objects.create(staff=person, course="sovereign-boundary", completed_on=dt.date(2024, 1, 1),
                                expires_on=trained_expiry)
    (requirement,) = requirements_of([world.cloud_a.pk])

    def answers(people):
        prediction = forecast(people, requirement, today, 180)
        due = renewals(people, [requirement], today, due_within_days=settings.SCREENING_RENEWAL_DUE_DAYS,
                       renewal_takes_days=60, horizon_days=180)
        return prediction, [(r.person_id, r.expires_on, r.critical) for r in due]

    everything = people_of([world.cloud_a.pk])
    current = people_of([world.cloud_a.pk], current_on=today)
    assert sum(len(p.screenings) for p in current) < sum(len(p.screenings) for p in everything)
    assert answers(current) == answers(everything)
