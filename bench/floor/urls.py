"""The portal's URLs plus /bench/floor/items/: the same scoped, filtered, ordered page of items as
GET /api/v1/items/?cloud=<slug>, authenticated by the same key, without DRF (the bench's floor)."""

from django.http import JsonResponse
from django.urls import path

from clouds.api.authentication import PartnerKeyActor
from clouds.models import PartnerAPIKey
from config.urls import urlpatterns as portal_urlpatterns
from readiness.access import visible_items

FIELDS = ["id", "checklist__cloud__slug", "checklist__framework__version", "requirement__code",
          "requirement__title", "requirement__pillar", "requirement__area", "requirement__weight",
          "requirement__gating", "status", "owner_id", "owner__first_name", "owner__last_name",
          "accountable_partner__slug", "due_date", "evidence_url", "notes", "na_justification", "version",
          "updated_at", "status_changed_at", "completed_at"]


def floor_items(request):
    key = request.headers.get("Authorization", "").partition(" ")[2]
    try:
        api_key = PartnerAPIKey.objects.get_from_key(key)
    except PartnerAPIKey.DoesNotExist:
        return JsonResponse({"detail": "Invalid key."}, status=401)
    if api_key.has_expired:
        return JsonResponse({"detail": "Expired key."}, status=401)
    size = int(request.GET.get("page_size", 100))
    rows = list(
        visible_items(PartnerKeyActor(api_key)).filter(checklist__cloud__slug=request.GET["cloud"])
        .order_by("updated_at", "id").values(*FIELDS)[: size + 1]
    )
    return JsonResponse({"next": None, "results": rows[:size]})


urlpatterns = [path("bench/floor/items/", floor_items), *portal_urlpatterns]
