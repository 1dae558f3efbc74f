"""Refuse oversized API bodies by their declared length, before anything reads them."""

import re

from django.conf import settings
from django.http import JsonResponse


class APIBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            declared = request.META.get("CONTENT_LENGTH", "")
            if re.fullmatch(r"[0-9]{1,19}", declared) and int(declared) > settings.API_MAX_BODY_BYTES:
                return JsonResponse(
                    {"detail": f"The request body is larger than {settings.API_MAX_BODY_BYTES} bytes."}, status=413
                )
        return self.get_response(request)
