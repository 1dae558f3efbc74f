"""The one JSON error shape of the API, built here by every answer that is not a success:

    {"code": "invalid", "detail": "...", "fields": {"due_date": ["..."]}, "errors": [{"index": 3, ...}]}

`code` is stable (programs branch on it), `detail` is for people and may be reworded, `fields` names
what is wrong with the request itself (a body field, a query parameter, a header) and `errors` lists
the failing rows of a bulk write. All four keys are always there, `fields` and `errors` empty when they
do not apply, so a generated client has one type to read."""

from __future__ import annotations

from typing import Any

NON_FIELD = "non_field_errors"


def error_body(code: str, detail: str, *, fields: Any = None, errors: list[dict] | None = None,
               **extra: Any) -> dict[str, Any]:
    return {"code": code, "detail": str(detail), "fields": flat_fields(fields), "errors": list(errors or []),
            **extra}


def row_error(index: int, code: str, fields: Any, **identity: Any) -> dict[str, Any]:
    """One failing row of a bulk write: its position in the request, why (invalid, stale, not_found), the
    fields at fault, and what names it (`id` for items, `external_id` for people) when it was readable."""
    return {"index": index, "code": code, "fields": flat_fields(fields), **identity}


def flat_fields(messages: Any) -> dict[str, list[str]]:
    """Validation messages by field, nested ones under a dotted path counted as JSON counts list
    positions (from 0): {"screenings": [{}, {"type": [...]}]} -> {"screenings.1.type": [...]}."""
    if not messages:
        return {}
    if not isinstance(messages, dict):
        messages = {NON_FIELD: messages}
    flat: dict[str, list[str]] = {}
    for name, value in messages.items():
        _collect(value, str(name), flat)
    return flat


def _collect(value: Any, path: str, flat: dict[str, list[str]]) -> None:
    if isinstance(value, dict):
        for name, nested in value.items():
            _collect(nested, path if name == NON_FIELD else f"{path}.{name}", flat)
    elif isinstance(value, list | tuple):
        if all(not isinstance(entry, dict | list | tuple) for entry in value):
            if value:
                flat.setdefault(path, []).extend(str(entry) for entry in value)
            return
        for position, entry in enumerate(value):
            if isinstance(entry, dict | list | tuple):
                _collect(entry, f"{path}.{position}", flat)
            else:
                flat.setdefault(path, []).append(str(entry))
    elif value is not None:
        flat.setdefault(path, []).append(str(value))
