"""Writing in order to learn every problem: bulk endpoints and file imports check their well-formed
rows against the rules (which need the database) even when other rows are malformed, so that one
answer names every failing row; the write is then undone."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import transaction

T = TypeVar("T")


class _Undo(Exception):
    pass


def write_unless(discard: bool, write: Callable[[], T]) -> T | None:
    """Run `write` in a transaction; keep it and return its result unless `discard`, else undo it and
    return None. Exceptions raised by `write` (its own refusals) pass through, nothing written."""
    result: T | None = None
    try:
        with transaction.atomic():
            result = write()
            if discard:
                raise _Undo
    except _Undo:
        return None
    return result
