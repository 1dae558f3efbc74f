"""/people/import/: a CSV roster uploaded (or pasted) in the browser, all or nothing.

One of the pages that take a file (config.uploads.takes_a_file).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clouds.choices import ChangeSource
from config.uploads import takes_a_file, uploaded_or_pasted
from people.access import may_write_people
from people.roster_import import COLUMNS, EXAMPLE, RosterRefused, import_roster


@takes_a_file
@login_required
def import_roster_page(request: HttpRequest) -> HttpResponse:
    if not may_write_people(request.user):
        raise PermissionDenied("You may not change people records.")
    context = {"columns": COLUMNS, "example": EXAMPLE, "errors": [], "result": None, "pasted": ""}
    if request.method == "POST":
        data, context["pasted"], problem = uploaded_or_pasted(request)
        if problem:
            context["errors"] = [problem]
        else:
            try:
                context["result"] = import_roster(data, actor=request.user, source=ChangeSource.IMPORT)
            except RosterRefused as exc:
                context["errors"] = [str(error) for error in exc.errors]
    return render(request, "people/import.html", context, status=400 if context["errors"] else 200)
