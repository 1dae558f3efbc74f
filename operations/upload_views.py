"""/operations/upload/: a metrics CSV uploaded (or pasted) in the browser, all or nothing, with the
same rules as the API. Like the roster import, this page takes a file: its upload handler keeps it in
memory (the request size cap applies first), where other routes refuse file parts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from operations.access import reporting_clouds
from operations.csv_import import COLUMNS, EXAMPLE, MetricFileRefused, import_metrics
from operations.models import MetricDefinition


@csrf_exempt  # only to swap the upload handler before the body is read; csrf_protect below checks it
def upload_metrics(request: HttpRequest) -> HttpResponse:
    request.upload_handlers = [MemoryFileUploadHandler(request)]
    return _upload_metrics(request)


@csrf_protect
@login_required
def _upload_metrics(request: HttpRequest) -> HttpResponse:
    clouds = list(reporting_clouds(request.user).order_by("name").values_list("slug", "name"))
    if not clouds:
        raise PermissionDenied("You report metrics for no cloud.")
    context = {"columns": COLUMNS, "example": EXAMPLE, "errors": [], "result": None, "pasted": "",
               "clouds": clouds, "metrics": MetricDefinition.objects.all()}
    if request.method == "POST":
        upload, pasted = request.FILES.get("file"), request.POST.get("text", "")
        context["pasted"] = pasted
        if (upload is None) == (not pasted):
            context["errors"] = ["Choose a CSV file or paste its text (one of the two)."]
        else:
            data = upload.read() if upload is not None else pasted.replace("\r\n", "\n").encode()
            try:
                context["result"] = import_metrics(data, actor=request.user)
            except MetricFileRefused as exc:
                context["errors"] = exc.errors
    return render(request, "operations/upload.html", context, status=400 if context["errors"] else 200)
