"""Input fields that take only exactly well-formed values.

DRF's own DateField reads "20250101" and "2025-W01-1" as dates (Python's fromisoformat),
and its BooleanField reads "yes" and 1 as true; a partner tool sending those has a bug we
should report, not guess around.
"""

from __future__ import annotations

import datetime as dt
import re

from rest_framework import serializers

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class StrictDateField(serializers.DateField):
    """A date written YYYY-MM-DD, nothing else."""

    default_error_messages = {"no_such_day": "{value} is written as a date but there is no such day."}

    def to_internal_value(self, value):
        if isinstance(value, dt.datetime) or not isinstance(value, str | dt.date):
            self.fail("invalid", format="YYYY-MM-DD")
        if isinstance(value, dt.date):
            return value
        if not ISO_DATE.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail("no_such_day", value=value)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid")


class StrictTextField(serializers.CharField):
    """Text taken as sent: no trimming; surrounding spaces and control characters are refused."""

    default_error_messages = {
        "padded": "Remove the spaces at the start or end.",
        "control": "Control characters are not allowed.",
    }

    def __init__(self, **kwargs):
        kwargs["trim_whitespace"] = False
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if data != data.strip():
            self.fail("padded")
        if any(ord(char) < 32 or ord(char) == 127 for char in data):
            self.fail("control")
        return super().to_internal_value(data)


class StrictObjectSerializer(serializers.Serializer):
    """A JSON object with only the declared fields: anything else is named as an unknown field."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: "5", 5.0 and true are refused, not converted."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)
