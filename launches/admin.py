"""Launch records in the admin: read-only. Decisions are recorded and conditions met on the launch
pages (launches.services), so that no admin action can edit a decision or its frozen evidence."""

from django.contrib import admin

from clouds.access import visible_clouds
from launches.models import Day1Change, Decision, DecisionCondition, Gate
from readiness.admin import ReadOnlyAdminMixin


class ConditionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DecisionCondition
    fields = ["position", "text", "owner", "due_on", "done_at", "done_by", "done_note"]
    readonly_fields = fields
    extra = 0


@admin.register(Gate)
class GateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["framework", "code", "name", "offset_days", "min_score", "no_open_gating", "staffing_met",
                    "operations_not_critical"]
    list_filter = ["framework"]
    list_select_related = ["framework"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["cloud", "gate_name", "outcome", "decided_on", "decided_by_name"]
    list_filter = ["outcome", "gate_code"]
    list_select_related = ["cloud"]
    inlines = [ConditionInline]
    actions = None  # not even "delete selected"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(cloud__in=visible_clouds(request.user))


@admin.register(DecisionCondition)
class DecisionConditionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["decision", "text", "owner", "due_on", "done_at"]
    list_select_related = ["decision__cloud", "owner"]
    actions = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(
            decision__cloud__in=visible_clouds(request.user))


@admin.register(Day1Change)
class Day1ChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["cloud", "previous_day1", "new_day1", "changed_by", "changed_at"]
    list_select_related = ["cloud", "changed_by"]
    actions = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(cloud__in=visible_clouds(request.user))
