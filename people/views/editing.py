"""/people/staff/new/ and /people/staff/<id>/edit/: one person in the browser.

Two people editing one person both keep their work: a save sends only the fields this person
changed; if someone saved in between, their changes to other fields are kept, and a field both
changed is refused with the other value shown.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from clouds.access import partner_id_of
from clouds.choices import ChangeSource
from clouds.models import Partner
from people.access import assignable_clouds, editable_staff, may_write_people
from people.forms import StaffForm, initial_of
from people.staff_input import StaffChanges, StaffInput, flatten_errors
from people.staff_writes import StaffWriteRefused, StaleStaffError, create_staff, update_staff

PROVIDER = ("", "The provider (our own staff)")


def _choices(request: HttpRequest) -> dict:
    own = partner_id_of(request.user)
    partners = Partner.objects.filter(pk=own) if own is not None else Partner.objects.order_by("name")
    employers = [(p.slug, p.name) for p in partners] + ([] if own is not None else [PROVIDER])
    clouds = [(c.slug, c.name) for c in assignable_clouds(request.user).order_by("name")]
    return {"employers": employers, "clouds": clouds}


@login_required
def new_staff(request: HttpRequest) -> HttpResponse:
    if not may_write_people(request.user):
        raise PermissionDenied("You may not change people records.")
    choices = _choices(request)
    form = StaffForm(request.POST or None, initial={"active": True}, **choices)
    if request.method == "POST" and form.is_valid():
        data, errors = form.as_input()
        staff = _save(form, errors, lambda: create_staff(data=_checked(StaffInput, data, form), actor=request.user,
                                                         source=ChangeSource.BROWSER))
        if staff is not None:
            return redirect("people:edit_staff", pk=staff.pk)
    return render(request, "people/staff_form.html", {"form": form, "staff": None},
                  status=400 if form.errors else 200)


@login_required
def edit_staff(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(editable_staff(request.user), pk=pk)
    choices = _choices(request)
    visible = {slug for slug, _ in choices["clouds"]}
    form = StaffForm(request.POST or None, initial=initial_of(staff, visible), **choices)
    saved = False
    if request.method == "POST" and form.is_valid():
        changed = [name for name in form.changed_data if name != "version"]
        base = form.cleaned_data.get("version") or staff.version
        if changed and base != staff.version:
            current = initial_of(staff, visible)
            both = [name for name in changed if _normal(current[name]) != _normal(_started_from(form, name))]
            if both:
                # Shown again on top of the current version: saving once more writes this person's
                # values, and putting the other value back in a field keeps theirs.
                form = _rebased(request.POST, current, choices)
                form.is_valid()
                for name in both:
                    form.add_error(name, f"Changed by someone else since you opened this page; it is now "
                                         f"“{_shown(current[name])}”. Save again to keep yours, or enter theirs.")
        if not form.errors and changed:
            data, errors = form.as_input(changed)
            result = _save(form, errors, lambda: update_staff(
                staff=staff, changes=_checked(StaffChanges, data, form), actor=request.user,
                source=ChangeSource.BROWSER, expected_version=staff.version))
            if result is not None:
                return redirect(f"{request.path}?saved=1")
        elif not form.errors:
            saved = True
    return render(request, "people/staff_form.html",
                  {"form": form, "staff": staff, "saved": saved or request.GET.get("saved") == "1"},
                  status=400 if form.errors else 200)


class _Refused(Exception):
    pass


def _checked(serializer_class, data: dict, form: StaffForm) -> dict:
    parsed = serializer_class(data=data)
    if not parsed.is_valid():
        for name, messages in parsed.errors.items():
            _add(form, name, messages)
        raise _Refused
    return parsed.validated_data


def _save(form: StaffForm, errors: dict, write):
    for name, messages in errors.items():
        _add(form, name, messages)
    if errors:
        return None
    try:
        return write()
    except _Refused:
        return None
    except StaleStaffError:
        form.add_error(None, "Someone saved this person while you were saving; open the page again.")
    except StaffWriteRefused as exc:
        for name, messages in exc.errors.items():
            _add(form, name, messages)
    return None


def _add(form: StaffForm, name: str, messages) -> None:
    """DRF's messages for one field, nested ones prefixed with where they are (screenings[2].completed_on)."""
    text = " ".join(message if where == name else f"{where}: {message}"
                    for where, message in flatten_errors(messages, name))
    form.add_error(name if name in form.fields else None, text)


def _rebased(posted, current: dict, choices: dict) -> StaffForm:
    data = posted.copy()
    for name, value in current.items():
        if name == "version":
            data[name] = str(value)
        elif isinstance(value, list):
            data.setlist(f"initial-{name}", value)
        else:
            data[f"initial-{name}"] = str(value)
    return StaffForm(data, initial=current, **choices)


def _started_from(form: StaffForm, name: str):
    """The value the field had when this person opened the page (its hidden initial input)."""
    field = form.fields[name]
    raw = field.hidden_widget().value_from_datadict(form.data, form.files, form[name].html_initial_name)
    return field.to_python(raw)


def _normal(value):
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip("\n")  # browsers send textareas with CRLF
    return sorted(value) if isinstance(value, list) else value


def _shown(value) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)
