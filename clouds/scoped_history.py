"""History pages in the admin, limited to the objects the user may see.

simple-history's history view falls back to the history rows when the object is outside the
admin's queryset, and its "revert" form ignores the queryset: both would show (and let a user
write back) records outside the user's clouds.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    def history_view(self, request, object_id, extra_context=None):
        self._refuse_outside_scope(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._refuse_outside_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

    def _refuse_outside_scope(self, request, object_id) -> None:
        try:
            visible = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, TypeError, ValidationError):
            visible = False
        if not visible:
            raise Http404
