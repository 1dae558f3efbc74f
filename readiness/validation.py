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


def add_form_errors(form, exc: ValidationError, *, rows: dict | None = None) -> None:
    """Show a service's ValidationError on a browser form: on its field when the form has one, else on top.

    `rows` maps a list's name to the forms of its entries, so that "conditions.2.owner" (counted from 1)
    lands on the second entry's owner field.
    """
    for name, messages in error_dict(exc).items():
        prefix, _, rest = name.partition(".")
        number, _, field = rest.partition(".")
        entries = (rows or {}).get(prefix)
        if entries and number.isdigit() and 1 <= int(number) <= len(entries) and field in entries[0].fields:
            for message in messages:
                entries[int(number) - 1].add_error(field, message)
            continue
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
