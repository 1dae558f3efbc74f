"""One conversion of validation errors to field name -> messages, for forms, the API and bulk rows.

Errors not tied to a field go under a key the caller names: Django's "__all__" for forms
and bulk rows, DRF's "non_field_errors" for single-item API responses.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def error_dict(exc: ValidationError, *, non_field_key: str = NON_FIELD_ERRORS) -> dict[str, list[str]]:
    """The errors of `exc` by field; errors not tied to a field go under `non_field_key`."""
    if hasattr(exc, "error_dict"):
        return {name: [str(message) for message in messages] for name, messages in exc.message_dict.items()}
    return {non_field_key: [str(message) for message in exc.messages]}
