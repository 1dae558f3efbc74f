from django.contrib import admin

from clouds.access import visible_clouds
from clouds.scoped_history import ScopedHistoryAdmin
from people.access import named_staff
from people.models import Screening, StaffingRequirement, StaffMember, Training


class ScreeningInline(admin.TabularInline):
    model = Screening
    extra = 0


class TrainingInline(admin.TabularInline):
    model = Training
    extra = 0


@admin.register(StaffMember)
class StaffMemberAdmin(ScopedHistoryAdmin):
    list_display = ["full_name", "employer", "roles", "citizenships", "active"]
    list_filter = ["active", "employer"]
    search_fields = ["full_name", "external_id"]
    filter_horizontal = ["clouds"]
    inlines = [ScreeningInline, TrainingInline]
    list_select_related = ["employer"]
    history_list_display = ["change_source", "api_key_name"]  # who, when a partner key made the change

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=named_staff(request.user).values("pk"))

    def save_model(self, request, obj, form, change):
        # A new version, as people.staff_writes gives: API clients holding an ETag and open browser
        # forms then see that someone changed the person.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(StaffingRequirement)
class StaffingRequirementAdmin(ScopedHistoryAdmin):
    list_display = ["cloud", "role", "minimum", "allowed_citizenships", "screenings", "trainings"]
    list_filter = ["role", "cloud"]
    list_select_related = ["cloud"]
    history_list_display = ["change_source", "api_key_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(cloud__in=visible_clouds(request.user))
