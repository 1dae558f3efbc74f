"""Browser forms of launch governance; the rules themselves live in launches.services."""

from __future__ import annotations

from typing import Any

from django import forms

from launches.choices import Outcome
from launches.services import MAX_CONDITIONS, TEXT_MAX_LENGTH
from readiness.forms import IsoDateField


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    decided_by_name = forms.CharField(label="Decided by", max_length=200,
                                      help_text="Who took the decision, e.g. the steering committee's chair.")
    attendees = forms.CharField(max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="Who attended, one per line.")
    rationale = forms.CharField(max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))


class ConditionForm(forms.Form):
    text = forms.CharField(label="Condition", required=False, max_length=TEXT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(queryset=None, required=False, empty_label="Choose an owner")
    due_on = IsoDateField(label="Due on", required=False)

    def __init__(self, *args: Any, owners=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.get_username()

    def clean(self) -> dict:
        data = super().clean()
        filled = [name for name in ("text", "owner", "due_on") if data.get(name)]
        if filled and len(filled) < 3:
            for name in {"text", "owner", "due_on"} - set(filled):
                if name not in self.errors:
                    self.add_error(name, "A condition needs its text, an owner and a due date.")
        return data

    @property
    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) for name in ("text", "owner", "due_on"))


ConditionFormSet = forms.formset_factory(ConditionForm, extra=3, max_num=MAX_CONDITIONS, validate_max=True,
                                         absolute_max=MAX_CONDITIONS)


class Day1Form(forms.Form):
    day1 = IsoDateField(label="New Day 1", required=False, help_text="Leave empty to clear Day 1.")
    reason = forms.CharField(max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Why it moves; kept in the slip history.")


class ConditionDoneForm(forms.Form):
    note = forms.CharField(label="How it was met", max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))
