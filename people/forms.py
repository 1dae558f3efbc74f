"""The browser form for one person. It renders each field's starting value as a hidden input
(show_hidden_initial), so a save knows which fields this person changed and can keep someone
else's changes to the others (people.views.editing)."""

from __future__ import annotations

from typing import Any

from django import forms

from people.coverage import ROLES
from people.models import StaffMember
from people.roster_import import parse_records

RECORD_HELP = ("One per line: {kind}:completed_on or {kind}:completed_on:expires_on, dates as YYYY-MM-DD, "
               "e.g. {example}.")


class StaffForm(forms.Form):
    full_name = forms.CharField(max_length=160, strip=False, show_hidden_initial=True)
    external_id = forms.CharField(max_length=100, required=False, strip=False, show_hidden_initial=True,
                                  help_text="Your organisation's own id for this person (optional).")
    employer = forms.ChoiceField(required=False, show_hidden_initial=True)
    roles = forms.MultipleChoiceField(choices=[(role, role.replace("_", " ").capitalize()) for role in ROLES],
                                      widget=forms.CheckboxSelectMultiple, show_hidden_initial=True)
    citizenships = forms.CharField(max_length=60, required=False, strip=False, show_hidden_initial=True,
                                   help_text="Two-letter codes separated by commas, e.g. FR,DE.")
    clouds = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, show_hidden_initial=True)
    active = forms.BooleanField(required=False, show_hidden_initial=True)
    screenings = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 show_hidden_initial=True,
                                 help_text=RECORD_HELP.format(kind="type",
                                                              example="cloud_background_check:2025-03-01"))
    trainings = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}),
                                show_hidden_initial=True,
                                help_text=RECORD_HELP.format(kind="course", example="sovereign-boundary:2025-02-10"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, employers: list[tuple[str, str]], clouds: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = employers
        self.fields["clouds"].choices = clouds

    def as_input(self, names: list[str] | None = None) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """The cleaned fields (all, or `names`) in the API's shape, and problems found converting them."""
        data, errors = {}, {}
        for name in names if names is not None else [n for n in self.fields if n != "version"]:
            value = self.cleaned_data.get(name)
            if name == "citizenships":
                data[name] = value.split(",") if value else []
            elif name == "employer":
                data[name] = value or None
            elif name in ("screenings", "trainings"):
                lines = [line for line in value.replace("\r\n", "\n").split("\n") if line] if value else []
                records, problem = parse_records(";".join(lines), "type" if name == "screenings" else "course")
                if problem:
                    errors[name] = [problem]
                data[name] = records
            else:
                data[name] = value
        return data, errors


def initial_of(staff: StaffMember, visible_cloud_slugs: set[str]) -> dict[str, Any]:
    """The form's starting values for a stored person (clouds limited to those the editor may staff)."""
    return {
        "full_name": staff.full_name, "external_id": staff.external_id,
        "employer": staff.employer.slug if staff.employer else "",
        "roles": staff.role_list, "citizenships": staff.citizenships,
        "clouds": sorted(cloud.slug for cloud in staff.clouds.all() if cloud.slug in visible_cloud_slugs),
        "active": staff.active,
        "screenings": "\n".join(f"{s.kind}:{s.completed_on.isoformat()}:{s.expires_on.isoformat()}"
                                for s in staff.screenings.order_by("kind", "completed_on")),
        "trainings": "\n".join(f"{t.course}:{t.completed_on.isoformat()}"
                               + (f":{t.expires_on.isoformat()}" if t.expires_on else "")
                               for t in staff.trainings.order_by("course", "completed_on")),
        "version": staff.version,
    }
