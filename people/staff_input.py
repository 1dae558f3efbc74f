"""The shape of a person as partner tools send it: the API, the bulk upsert and the CSV import
(which turns each line into this shape) all validate here, strictly; people.staff_writes then
applies the rules of who may write what.

    {"external_id": "emp-0042", "full_name": "Camille Martin", "employer": "numspot",
     "roles": ["support_engineer"], "citizenships": ["FR"], "clouds": ["france"], "active": true,
     "screenings": [{"type": "cloud_background_check", "completed_on": "2025-03-01",
                     "expires_on": "2027-03-01"}],
     "trainings": [{"course": "sovereign-boundary", "completed_on": "2025-02-10"}]}

`employer` is a partner slug, or null for the provider's own staff; `expires_on` of a screening
defaults to completed_on + SCREENING_VALIDITY_DAYS; a training without `expires_on` never lapses.
"""

from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers

from clouds.api.strict import StrictBooleanField, StrictDateField, StrictObjectSerializer, StrictTextField
from clouds.countries import is_iso_country
from people.coverage import ROLES
from people.models import ScreeningType, default_expiry

MAX_LIST = 50
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
COUNTRY = re.compile(r"[A-Z]{2}")
COURSE = re.compile(r"[a-z][a-z0-9_-]*")
EXTERNAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]*")
STAFF_FIELDS = ("external_id", "full_name", "employer", "roles", "citizenships", "clouds", "active",
                "screenings", "trainings")




def _pattern(regex: re.Pattern, example: str):
    def check(value: str) -> None:
        if not regex.fullmatch(value):
            raise serializers.ValidationError(f"{value!r} is not well-formed (e.g. {example}).")
    return check


def _iso_country(value: str) -> None:
    if COUNTRY.fullmatch(value) and not is_iso_country(value):
        raise serializers.ValidationError(f"{value!r} is not an ISO 3166 country code.")


def _unique(values: list) -> list:
    if len(set(values)) != len(values):
        raise serializers.ValidationError("List each value once.")
    return values


class ScreeningInput(StrictObjectSerializer):
    type = serializers.ChoiceField(choices=ScreeningType.values)
    completed_on = StrictDateField()
    expires_on = StrictDateField(required=False, allow_null=True,
                                 help_text="Default: completed_on + SCREENING_VALIDITY_DAYS (730).")

    def validate(self, attrs):
        expires = attrs.get("expires_on")
        if expires is not None and expires <= attrs["completed_on"]:
            raise serializers.ValidationError({"expires_on": ["A screening expires after the day it was completed."]})
        if expires is None:
            try:
                default_expiry(attrs["completed_on"])
            except OverflowError:
                raise serializers.ValidationError({"completed_on": [
                    "Too late: its standard validity would end after 9999-12-31; give expires_on."]}) from None
        return attrs


class TrainingInput(StrictObjectSerializer):
    course = StrictTextField(max_length=60, validators=[_pattern(COURSE, "sovereign-boundary")])
    completed_on = StrictDateField()
    expires_on = StrictDateField(required=False, allow_null=True, help_text="Empty or absent: does not expire.")

    def validate(self, attrs):
        expires = attrs.get("expires_on")
        if expires is not None and expires <= attrs["completed_on"]:
            raise serializers.ValidationError({"expires_on": ["A training expires after the day it was completed."]})
        return attrs


class StaffInput(StrictObjectSerializer):
    """One person; on PATCH only the fields sent change (screenings and trainings as whole lists)."""

    external_id = StrictTextField(max_length=100, allow_blank=True, required=False,
                                  validators=[_pattern(EXTERNAL_ID, "emp-0042")],
                                  help_text="The employer's own id; unique per employer. Required by the bulk "
                                            "upsert, which matches on it.")
    full_name = StrictTextField(max_length=160)
    employer = StrictTextField(allow_null=True, required=False, max_length=60,
                               validators=[_pattern(SLUG, "numspot")],
                               help_text="Partner slug; null: the provider's own staff. A partner key may give "
                                         "only its own partner (the default for it).")
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES), min_length=1, max_length=len(ROLES),
                                  validators=[_unique])
    citizenships = serializers.ListField(
        child=StrictTextField(max_length=2, validators=[_pattern(COUNTRY, "FR"), _iso_country]), max_length=10,
        validators=[_unique], required=False, help_text="ISO 3166 alpha-2 codes.")
    clouds = serializers.ListField(child=StrictTextField(max_length=60, validators=[_pattern(SLUG, "france")]),
                                   max_length=MAX_LIST, validators=[_unique], required=False,
                                   help_text="Slugs of the clouds served; clouds outside your scope that the "
                                             "person already serves are kept.")
    active = StrictBooleanField(required=False, help_text="Default true for a new person; left out, an existing "
                                                           "person's stays as it is.")
    screenings = ScreeningInput(many=True, required=False, max_length=MAX_LIST)
    trainings = TrainingInput(many=True, required=False, max_length=MAX_LIST)


class StaffChanges(StaffInput):
    """PATCH: every field optional."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Send at least one of: " + ", ".join(STAFF_FIELDS) + ".")
        return attrs


def flatten_errors(errors: Any, prefix: str = "") -> list[tuple[str, str]]:
    """DRF's nested errors as (field, message) pairs: screenings[2].completed_on, ..."""
    if isinstance(errors, dict):
        pairs = []
        for name, value in errors.items():
            if isinstance(name, int) or (isinstance(name, str) and name.isdigit()):
                field = f"{prefix}[{int(name) + 1}]"  # a list's item, counted from 1 as people count
            else:
                field = name if not prefix else (prefix if name == "non_field_errors" else f"{prefix}.{name}")
            pairs += flatten_errors(value, field)
        return pairs
    if isinstance(errors, list):
        if all(isinstance(value, str) for value in errors):
            return [(prefix or "line", str(value)) for value in errors]
        pairs = []
        for position, value in enumerate(errors, start=1):
            nested = isinstance(value, dict | list) and value
            pairs += flatten_errors(value, f"{prefix}[{position}]" if nested else prefix)
        return [(name, message) for name, message in pairs if message]
    return [(prefix or "line", str(errors))]
