"""Showing the evidence's stored codes (not_ready, support_engineer) as words."""

from django import template

register = template.Library()


@register.filter
def words(value: object) -> str:
    """not_ready -> not ready."""
    return str(value).replace("_", " ") if value is not None else ""
