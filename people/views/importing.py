"""/people/import/: a CSV roster uploaded (or pasted) in the browser, all or nothing.

The one page that takes a file: its upload handler keeps the file in memory (the request
size cap applies first), where every other route refuses file parts.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from clouds.choices import ChangeSource
from people.access import may_write_people
from people.roster_import import COLUMNS, EXAMPLE, RosterRefused, import_roster


@csrf_exempt  # only to swap the upload handler before the body is read; csrf_protect below checks it
def import_roster_page(request: HttpRequest) -> HttpResponse:
    request.upload_handlers = [MemoryFileUploadHandler(request)]
    return _import_roster_page(request)


@csrf_protect
@login_required
def _import_roster_page(request: HttpRequest) -> HttpResponse:
    if not may_write_people(request.user):
        raise PermissionDenied("You may not change people records.")
    context = {"columns": COLUMNS, "example": EXAMPLE, "errors": [], "result": None, "pasted": ""}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        pasted = request.POST.get("text", "")
        context["pasted"] = pasted
        if upload is not None and pasted:
            context["errors"] = ["Upload a file or paste the text, not both."]
        elif upload is None and not pasted:
            context["errors"] = ["Choose a CSV file or paste its text."]
        else:
            data = upload.read() if upload is not None else pasted.replace("\r\n", "\n").encode()
            try:
                context["result"] = import_roster(data, actor=request.user, source=ChangeSource.IMPORT)
            except RosterRefused as exc:
                context["errors"] = [str(error) for error in exc.errors]
        status = 400 if context["errors"] else 200
    return render(request, "people/import.html", context, status=status)
