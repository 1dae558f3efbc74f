"""If-Match for optimistic concurrency: the versions a write may apply to (ETags are "<version>")."""

from __future__ import annotations

import re

from rest_framework.exceptions import ValidationError

from config.api.exceptions import PreconditionRequired

DIGITS = re.compile(r"[0-9]{1,18}")


def if_match_versions(request) -> set[int]:
    """Versions named by If-Match (a W/ prefix, which compression adds, is ignored)."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired()
    versions = set()
    for tag in header.split(","):
        tag = tag.strip()
        tag = tag[2:] if tag.startswith("W/") else tag
        value = tag.strip('"')
        if not (tag.startswith('"') and tag.endswith('"') and DIGITS.fullmatch(value)):
            raise ValidationError({"If-Match": [f"{tag!r} is not an ETag of this API (e.g. \"3\")."]})
        versions.add(int(value))
    return versions
