"""Framework versions in the browser: the list, loading a new version from its YAML file, and the
upgrade page that previews, per cloud, what a version changes and the score it would give before
moving the chosen clouds (readiness.upgrades)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clouds.access import PortalUser, managed_clouds, partner_id_of, role_of, visible_clouds
from clouds.choices import UserRole
from config.uploads import takes_a_file
from readiness.choices import ChangeSource
from readiness.forms import FrameworkUploadForm
from readiness.framework_file import FrameworkFileError, load_framework, parse_framework
from readiness.models import Framework
from readiness.upgrades import ADDED, CHANGED, REMOVED, apply_upgrade, clouds_behind, preview_upgrade

MAX_FRAMEWORK_BYTES = 1_000_000


def may_load_frameworks(user: PortalUser) -> bool:
    """Administrators and program managers load framework versions (partners never do)."""
    return partner_id_of(user) is None and role_of(user) in (UserRole.ADMINISTRATOR, UserRole.PROGRAM_MANAGER)


def _require_loader(user: PortalUser) -> None:
    if not may_load_frameworks(user):
        raise PermissionDenied("Only administrators and program managers work with framework versions.")


@login_required
def framework_list(request: HttpRequest, form: FrameworkUploadForm | None = None,
                   problems: list[str] | None = None, status: int = 200) -> HttpResponse:
    _require_loader(request.user)
    frameworks = (Framework.objects.annotate(
        clouds_on=Count("checklists", filter=Q(checklists__is_active=True), distinct=True),
        requirement_count=Count("requirements", distinct=True))
        .select_related("loaded_by").order_by("slug", "-version"))
    return render(request, "readiness/frameworks.html", {
        "frameworks": frameworks, "form": form or FrameworkUploadForm(), "problems": problems or [],
    }, status=status)


@login_required
@require_POST
@takes_a_file
def framework_load(request: HttpRequest) -> HttpResponse:
    _require_loader(request.user)
    form = FrameworkUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return framework_list(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_FRAMEWORK_BYTES:
        return framework_list(request, form=form, problems=["The file is larger than 1 MB."], status=400)
    try:
        text = upload.read().decode("utf-8")
        result = load_framework(parse_framework(text, upload.name), actor=request.user, source=upload.name)
    except UnicodeDecodeError:
        return framework_list(request, form=form, problems=["The file is not UTF-8 text."], status=400)
    except FrameworkFileError as exc:
        return framework_list(request, form=form, problems=[str(problem) for problem in exc.problems], status=400)
    messages.success(request, f"{result.framework} {'loaded' if result.created else 'was already loaded'}: "
                              "preview what it changes for each cloud before moving any.")
    return redirect("readiness:framework_upgrade", pk=result.framework.pk)


@login_required
def framework_upgrade(request: HttpRequest, pk: int) -> HttpResponse:
    _require_loader(request.user)
    framework = get_object_or_404(Framework, pk=pk)
    today = timezone.localdate()
    checklists = clouds_behind(framework, visible_clouds(request.user))
    previews = preview_upgrade(framework, checklists, today)
    movable = set(managed_clouds(request.user).filter(pk__in=[c.cloud_id for c in checklists])
                  .values_list("slug", flat=True))
    problem = ""
    if request.method == "POST":
        chosen = request.POST.getlist("cloud")
        unknown = [slug for slug in chosen if slug not in movable]
        if not chosen or unknown:
            problem = ("Choose at least one cloud to move." if not chosen else
                       "You cannot move these clouds: " + ", ".join(sorted(unknown)) + ".")
        else:
            moved = apply_upgrade(framework, [c for c in checklists if c.cloud.slug in chosen], actor=request.user,
                                  source=ChangeSource.BROWSER)
            messages.success(request, f"Moved {len(moved)} cloud{'s' if len(moved) != 1 else ''} to {framework}; "
                                      "every item kept its work by requirement code.")
            return redirect("readiness:framework_upgrade", pk=framework.pk)
    return render(request, "readiness/framework_upgrade.html", {
        "framework": framework, "previews": previews, "movable": movable, "problem": problem,
        "kinds": (ADDED, REMOVED, CHANGED), "today": today,
    }, status=400 if problem else 200)
