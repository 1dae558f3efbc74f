"""A JSON parser that refuses bodies over the API's limit with a JSON 413, before reading them whole."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from config.api.exceptions import PayloadTooLarge


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and re.fullmatch(r"[0-9]{1,19}", declared) and int(declared) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        try:
            # Parsed here rather than by DRF's parser so that a key given twice is refused, not
            # silently read as its last value.
            # Fractions are read as Decimal, exactly as sent: a float would round 99.99999999999999999
            # to 100 before any check could see it.
            data = json.loads(body.decode("utf-8"), object_pairs_hook=_unique_keys, parse_constant=_no_constant,
                              parse_float=Decimal, parse_int=_bounded_int)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        try:
            text = _is_text(data)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
        if not text:
            # JSON may escape a lone UTF-16 surrogate ("\ud800"); it is not text, and would break
            # every error message that quotes it.
            raise ParseError("JSON parse error - a string holds a lone surrogate (\\ud800-\\udfff), "
                             "which is not valid Unicode text.")
        return data


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    result: dict = {}
    for key, value in pairs:  # linear: a body may hold 100,000 keys
        if key in result:
            raise ValueError(f"the key {key!r} appears more than once in one object")
        result[key] = value
    return result


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 30:
        raise ValueError(f"a number of {len(text)} digits is not one this API takes")
    return int(text)


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _is_text(value) -> bool:
    """Whether every string (keys included) in a parsed JSON document is valid Unicode."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_is_text(key) and _is_text(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_is_text(item) for item in value)
    return True
