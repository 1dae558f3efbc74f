"""Browser forms for editing items; validation of the change itself lives in the service layer."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from readiness.choices import ItemStatus
from readiness.models import ChecklistItem


class ItemEditForm(forms.Form):
    """One item's editable fields plus the version the editor saw."""

    status = forms.ChoiceField(choices=ItemStatus.choices)
    owner = forms.ModelChoiceField(queryset=None, required=False, empty_label="Unowned")
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    evidence_url = forms.URLField(label="Evidence link", required=False, max_length=500, assume_scheme="https")
    notes = forms.CharField(required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 2}))
    na_justification = forms.CharField(label="Justification (for not applicable)", required=False, max_length=5000,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    # The version the editor was opened on. After a conflict `version` moves on to the current
    # one but this stays, so that saving again writes only the fields this person changed.
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1, required=False)

    EDITABLE = ("status", "owner", "due_date", "evidence_url", "notes", "na_justification")
    TAKE_THEIRS = "theirs"  # the other choice, "mine", keeps this person's value (templates/readiness/_conflict.html)

    def __init__(self, *args, owners, item: ChecklistItem | None = None, **kwargs) -> None:
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = {**current_values(item), "version": item.version, "base_version": item.version}
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.get_username()

    def full_clean(self) -> None:
        super().full_clean()
        if "due_date" in self.errors:
            # A date input cannot hold a value that is not a date (browsers blank it): show what was
            # sent as text, so it can be corrected rather than lost.
            self.fields["due_date"].widget = forms.TextInput(attrs={"placeholder": "YYYY-MM-DD"})

    def problem_summary(self) -> str:
        """"Check the highlighted fields: Due date, Evidence link." for the fields in error."""
        labels = [str(self[name].label) for name in self.errors if name in self.fields]
        return "Check the highlighted field" + ("s" if len(labels) != 1 else "") + (
            ": " + ", ".join(labels) + "." if labels else ".")

    @property
    def started_from(self) -> int:
        """The version the editor was opened on."""
        return self.cleaned_data.get("base_version") or self.cleaned_data["version"]

    def submitted(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "status": data["status"], "owner": data["owner"].pk if data["owner"] else None,
            "due_date": data["due_date"], "evidence_url": data["evidence_url"], "notes": data["notes"],
            "na_justification": data["na_justification"] if data["status"] == ItemStatus.NOT_APPLICABLE else "",
        }

    def changes_from(self, base: dict[str, Any], shown: dict[str, Any] | None = None) -> dict[str, Any]:
        """What this person changed: the submitted values that differ from those they started from.

        Left out: fields where, after a conflict, they chose the other person's value (and the
        justification that went with a status they gave up), and fields still showing the value
        the form was last given (`shown`, the values at the form's version): after a conflict
        those are the other person's, and a third save meanwhile must not be reverted to them.
        """
        theirs = {name for name in self.EDITABLE if self.data.get(f"resolve_{name}") == self.TAKE_THEIRS}
        if "status" in theirs:
            theirs.add("na_justification")
        return {name: value for name, value in self.submitted().items()
                if value != base.get(name) and name not in theirs
                and not (shown is not None and value == shown.get(name))}


def current_values(item: ChecklistItem) -> dict[str, Any]:
    """The item's editable values as the form holds them (the owner as an id)."""
    return {"status": item.status, "owner": item.owner_id, "due_date": item.due_date,
            "evidence_url": item.evidence_url, "notes": item.notes, "na_justification": item.na_justification}


class BulkEditForm(forms.Form):
    """Set status, owner or due date on many items; each selected item carries the version seen."""

    UNCHANGED = ""
    UNASSIGN = "none"

    items = forms.MultipleChoiceField(choices=(), error_messages={"required": "Select at least one item."})
    status = forms.ChoiceField(choices=[(UNCHANGED, "Keep status"), *ItemStatus.choices], required=False,
                               widget=forms.Select(attrs={"id": "bulk-status"}))
    owner = forms.ChoiceField(required=False, widget=forms.Select(attrs={"id": "bulk-owner"}))
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    na_justification = forms.CharField(label="Justification (for not applicable)", required=False, max_length=5000)

    def __init__(self, *args, owners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(self.UNCHANGED, "Keep owner"), (self.UNASSIGN, "Unowned")] + [
            (str(user.pk), user.get_full_name() or user.get_username()) for user in owners
        ]
        # Any "id:version" pair is accepted here; the service decides what exists and is editable.
        self.fields["items"].valid_value = lambda value: _parse_pair(value) is not None

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("status") or cleaned.get("owner") or cleaned.get("due_date")):
            raise forms.ValidationError("Choose a status, an owner or a due date to apply.")
        return cleaned

    def updates(self) -> list[tuple[int, int, dict[str, Any]]]:
        data = self.cleaned_data
        changes: dict[str, Any] = {}
        if data.get("status"):
            changes["status"] = data["status"]
            if data["status"] == ItemStatus.NOT_APPLICABLE:
                changes["na_justification"] = data.get("na_justification", "")
        if data.get("owner"):
            changes["owner"] = None if data["owner"] == self.UNASSIGN else int(data["owner"])
        if data.get("due_date"):
            changes["due_date"] = data["due_date"]
        return [(*_parse_pair(value), changes) for value in data["items"]]


MAX_ID = 2**63 - 1  # the database's bigint


def _parse_pair(value: str) -> tuple[int, int] | None:
    item_id, _, version = value.partition(":")
    if (re.fullmatch(r"[0-9]{1,19}", item_id) and re.fullmatch(r"[0-9]{1,19}", version)
            and 0 < int(item_id) <= MAX_ID and 0 < int(version) <= MAX_ID):
        return int(item_id), int(version)
    return None


class IsoDateField(forms.DateField):
    """YYYY-MM-DD only: a date in any other shape is refused, never guessed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(input_formats=["%Y-%m-%d"], **kwargs)


class WaiverRequestForm(forms.Form):
    reason = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Why the item will not be done by its date.")
    compensating_control = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                                           help_text="What limits the risk while the item stays open.")
    expires_on = IsoDateField(label="Expires on", help_text="The last day the waiver applies.")


class WaiverDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=(("approve", "Approve"), ("reject", "Reject")))
    note = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


WAIVER_FILTER_STATES = (("", "Any state"), ("requested", "Requested"), ("in_force", "In force"),
                        ("expired", "Expired"), ("rejected", "Rejected"), ("withdrawn", "Withdrawn"))


class WaiverFilterForm(forms.Form):
    state = forms.ChoiceField(choices=WAIVER_FILTER_STATES, required=False)
    cloud = forms.ChoiceField(choices=(), required=False)

    def __init__(self, *args: Any, clouds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cloud"].choices = [("", "Every cloud"), *clouds]


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(label="Framework file (YAML)")
