"""The staffing facts the people insight rules read, for many clouds in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from people.coverage import forecast, renewals
from people.insight_rules import RequirementFacts, StaffingFacts
from people.queries import people_of, requirements_of


def staffing_facts(cloud_ids: list[int], today: dt.date) -> dict[int, StaffingFacts]:
    """cloud id -> its staffing facts, for the clouds that have staffing requirements."""
    requirements = requirements_of(cloud_ids)
    if not requirements:
        return {}
    by_cloud: dict[int, list] = {}
    for requirement in requirements:
        by_cloud.setdefault(requirement.cloud_id, []).append(requirement)
    people_by_cloud: dict[int, list] = {cloud_id: [] for cloud_id in by_cloud}
    for person in people_of(list(by_cloud), current_on=today):
        for cloud_id in person.clouds & people_by_cloud.keys():
            people_by_cloud[cloud_id].append(person)
    horizon = settings.COVERAGE_HORIZON_DAYS
    facts = {}
    for cloud_id, cloud_requirements in by_cloud.items():
        people = people_by_cloud[cloud_id]
        forecasts = {req.id: forecast(people, req, today, horizon) for req in cloud_requirements}
        due = renewals(people, cloud_requirements, today, due_within_days=settings.SCREENING_RENEWAL_DUE_DAYS,
                       renewal_takes_days=settings.SCREENING_RENEWAL_TAKES_DAYS, horizon_days=horizon,
                       forecasts=forecasts)
        critical = [renewal for renewal in due if renewal.critical]
        rows = []
        for req in cloud_requirements:
            prediction = forecasts[req.id]
            short = prediction.first_shortfall
            rows.append(RequirementFacts(req.role, req.minimum, prediction.counts[0], short,
                                         prediction.counts[(short - today).days] if short else None))
        facts[cloud_id] = StaffingFacts(tuple(rows), len(due), len(critical),
                                        min((renewal.expires_on for renewal in critical), default=None),
                                        settings.STAFFING_SHORTFALL_WARNING_DAYS)
    return facts
