"""Browser writes: one item (inline, or from the item page) and bulk changes on a checklist.

Visibility is checked first (404, the same as an unknown id), then the right to
edit (403); both questions go to the access modules. Every write goes through
readiness.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clouds.access import managed_clouds, users_editing_cloud, visible_clouds
from readiness.access import editable_items, visible_items
from readiness.audit import item_history, values_at
from readiness.choices import ChangeSource
from readiness.conflicts import analyse, as_form_value
from readiness.forms import BulkEditForm, ItemEditForm, current_values
from readiness.services import BulkUpdateError, ItemUpdate, StaleVersionError, update_item, update_items
from readiness.validation import error_dict
from readiness.views.checklist import ITEM_RELATIONS, checklist_context


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return fallback


@login_required
@require_POST
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(visible_items(request.user).select_related(*ITEM_RELATIONS), pk=pk)
    if not editable_items(request.user).filter(pk=pk).exists():
        raise PermissionDenied("You can view this item but not change it.")
    cloud = item.checklist.cloud
    form = ItemEditForm(request.POST, owners=users_editing_cloud(cloud), item=item)
    if not form.is_valid():
        return _refused(request, item, form, status=400, message=form.problem_summary())
    started_from, version = form.started_from, form.cleaned_data["version"]
    base = _values_at(item, started_from)
    changes = form.changes_from(base, shown=_values_at(item, version) if version != started_from else None)
    try:
        saved = update_item(item=item, changes=changes, actor=request.user,
                            source=ChangeSource.BROWSER, expected_version=form.cleaned_data["version"])
    except StaleVersionError as exc:
        conflict = analyse(exc.item, started_from, changes)
        # The form moves on to the current version but keeps the one it started from, and shows the
        # other person's values in the fields only they changed: saving again writes only this
        # person's fields, and where both changed a field, the choice made below.
        data = request.POST.copy()
        data["version"] = str(exc.item.version)
        data["base_version"] = str(started_from)
        for name, value in conflict.kept.items():
            data[name] = as_form_value(value)
        form = ItemEditForm(data, owners=users_editing_cloud(cloud), item=exc.item)
        form.is_valid()
        message = ("Someone else saved this item after you opened it. Nothing was overwritten, and their changes "
                   "to fields you did not touch are kept. "
                   + ("You both changed the fields below: choose which value to keep, then save again."
                      if conflict.both else "Save again to add your changes on top of theirs."))
        return _refused(request, exc.item, form, status=409, conflict=conflict, message=message)
    except ValidationError as exc:
        for field, errors in error_dict(exc).items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return _refused(request, item, form, status=400, message="The change was not saved: "
                        + " ".join(str(e) for e in form.non_field_errors()) if form.non_field_errors()
                        else form.problem_summary())

    if _wants_json(request):
        return JsonResponse(_fragments(request, saved))
    messages.success(request, f"Saved {saved.requirement.code}.")
    return redirect(_next_url(request, saved.get_absolute_url()))


def _values_at(item, version: int) -> dict:
    """The item's editable values at `version` (from its history); its current ones if unknown."""
    return current_values(item) if version == item.version else values_at(item, version) or current_values(item)


def _refused(request, item, form, *, status: int, message: str, conflict=None) -> HttpResponse:
    if _wants_json(request):
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        conflict_html = render_to_string("readiness/_conflict.html", {"conflict": conflict}, request=request) \
            if conflict else ""
        return JsonResponse({
            "ok": False, "detail": message, "errors": errors, "conflict_html": conflict_html,
            # Only a conflict moves the editor on to the current version; after any other refusal a
            # save must still be checked against the version the person was looking at.
            **({"version": item.version} if conflict else {}),
            "values": {name: as_form_value(value) for name, value in conflict.kept.items()} if conflict else {},
        }, status=status)
    return render(request, "readiness/item_detail.html", {
        "item": item, "form": form, "history": item_history(item), "refused": message, "conflict": conflict,
    }, status=status)


def _fragments(request: HttpRequest, item) -> dict:
    """The edited row and the scores it changed, rendered as on the checklist page."""
    context = checklist_context(request, item.checklist.cloud)
    rendered = next((candidate for pillar in context["pillars"] for area in pillar["areas"]
                     for candidate in area["items"] if candidate.pk == item.pk), None)
    row_html = render_to_string("readiness/_item_row.html", {**context, "item": rendered}, request=request) \
        if rendered is not None else ""
    return {
        "ok": True, "id": item.pk, "version": item.version, "code": item.requirement.code,
        "row_html": row_html,
        "summary_html": render_to_string("readiness/_cloud_summary.html", context, request=request),
        "pillar_html": {
            pillar["value"]: render_to_string("readiness/_pillar_head.html", {**context, "pillar": pillar},
                                              request=request)
            for pillar in context["pillars"]
        },
        "area_html": {
            f"{pillar['value']}-{area['name']}": render_to_string(
                "readiness/_area_head.html", {"pillar": pillar, "area": area}, request=request)
            for pillar in context["pillars"] for area in pillar["areas"]
        },
    }


@login_required
@require_POST
def bulk_edit(request: HttpRequest, slug: str) -> HttpResponse:
    cloud = get_object_or_404(visible_clouds(request.user), slug=slug)
    if not managed_clouds(request.user).filter(pk=cloud.pk).exists():
        raise PermissionDenied("You can view this checklist but not change it.")
    back = _next_url(request, cloud.get_absolute_url())
    form = BulkEditForm(request.POST, owners=users_editing_cloud(cloud))
    if not form.is_valid():
        messages.error(request, "Bulk change not applied: " + " ".join(
            str(error) for errors in form.errors.values() for error in errors))
        return redirect(back)
    updates = [ItemUpdate(item_id, version, changes) for item_id, version, changes in form.updates()]
    try:
        saved = update_items(updates=updates, actor=request.user, source=ChangeSource.BROWSER,
                             allowed=editable_items(request.user).filter(checklist__cloud=cloud), merge=True)
    except BulkUpdateError as exc:
        codes = {item.pk: item.requirement.code
                 for item in visible_items(request.user).filter(pk__in=[e.item_id for e in exc.errors])
                 .select_related("requirement")}
        details = "; ".join(_row_problem(error, codes) for error in exc.errors)
        messages.error(request, f"Bulk change not applied, nothing was changed: {details}.")
        return redirect(back)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, f"Updated {len(saved)} item{'s' if len(saved) != 1 else ''}.")
    return redirect(back)


def _row_problem(error, codes: dict[int, str]) -> str:
    name = codes.get(error.item_id, f"item {error.item_id}")
    if error.code == "stale":
        fields = "; ".join(f"{field.replace('_', ' ')}: {' '.join(why)}" for field, why in error.fields.items()
                           if field != "version")
        return f"{name} was changed by someone else meanwhile" + (f" ({fields})" if fields else "")
    if error.code == "not_found":
        return f"{name} is not an item you can change"
    reasons = " ".join(message for messages_ in error.fields.values() for message in messages_)
    return f"{name}: {reasons}"

