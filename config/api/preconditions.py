"""If-Match for optimistic concurrency: the versions a write may apply to (ETags are "<version>")."""

from __future__ import annotations

import re

from rest_framework.exceptions import ValidationError

from config.api.exceptions import PreconditionRequired

DIGITS = re.compile(r"[0-9]{1,18}")


def if_match_versions(request) -> set[int]:
    """Versions named by strong ETags in If-Match. RFC 9110 compares If-Match strongly, so a weak tag
    (W/"3") is well-formed but matches nothing: the write answers 412. (The API is served uncompressed,
    so nothing on the way weakens its ETags.)"""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired()
    versions = set()
    for tag in header.split(","):
        tag = tag.strip()
        weak = tag.startswith("W/")
        opaque = tag[2:] if weak else tag
        value = opaque.strip('"')
        if not (opaque.startswith('"') and opaque.endswith('"') and DIGITS.fullmatch(value)):
            raise ValidationError({"If-Match": [f"{tag!r} is not an ETag of this API (e.g. \"3\")."]})
        if not weak:
            versions.add(int(value))
    return versions
