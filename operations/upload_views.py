"""/operations/upload/: a metrics CSV uploaded (or pasted) in the browser, all or nothing, with the
same rules as the API. One of the pages that take a file (config.uploads.takes_a_file)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.uploads import takes_a_file, uploaded_or_pasted
from operations.access import reporting_clouds
from operations.csv_import import COLUMNS, EXAMPLE, MetricFileRefused, import_metrics
from operations.models import MetricDefinition


@takes_a_file
@login_required
def upload_metrics(request: HttpRequest) -> HttpResponse:
    clouds = list(reporting_clouds(request.user).order_by("name").values_list("slug", "name"))
    if not clouds:
        raise PermissionDenied("You report metrics for no cloud.")
    context = {"columns": COLUMNS, "example": EXAMPLE, "errors": [], "result": None, "pasted": "",
               "clouds": clouds, "metrics": MetricDefinition.objects.all()}
    if request.method == "POST":
        data, context["pasted"], problem = uploaded_or_pasted(request)
        if problem:
            context["errors"] = [problem]
        else:
            try:
                context["result"] = import_metrics(data, actor=request.user)
            except MetricFileRefused as exc:
                context["errors"] = exc.errors
    return render(request, "operations/upload.html", context, status=400 if context["errors"] else 200)
