"""What a partner tool is told on 412: which fields changed since its version, by whom and when."""

from __future__ import annotations

from rest_framework import serializers

from readiness.audit import FIELD_NAMES, item_history
from readiness.models import ChecklistItem


class ChangeSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version this change produced.")
    by = serializers.CharField(help_text="A person's name, 'API key partner/name', or 'system'.")
    at = serializers.DateTimeField()
    source = serializers.CharField(help_text="browser, api, admin, import or job.")
    fields = serializers.ListField(child=serializers.CharField(), help_text="Item fields this change set.")


class ChangedSinceSerializer(serializers.Serializer):
    version = serializers.IntegerField(allow_null=True, help_text="Your If-Match version (null if none was older).")
    changes = ChangeSerializer(many=True, help_text="Oldest first.")


def changes_since(item: ChecklistItem, version: int) -> list[dict]:
    """Every save after `version`, oldest first, with the API names of the fields it changed."""
    return [
        {"version": entry.version, "by": entry.who, "at": serializers.DateTimeField().to_representation(entry.when),
         "source": entry.source, "fields": [FIELD_NAMES[change.field] for change in entry.changes]}
        for entry in reversed(item_history(item, after_version=version))
    ]
