from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clouds.access import managed_clouds, visible_clouds
from operations.models import MetricCatalog, MetricDefinition, MetricTarget, MetricValue


@admin.register(MetricCatalog)
class MetricCatalogAdmin(admin.ModelAdmin):
    """Loaded from the YAML file (manage.py load_metrics): shown, never edited here."""

    list_display = ["name", "version", "loaded_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MetricDefinition)
class MetricDefinitionAdmin(MetricCatalogAdmin):
    list_display = ["name", "code", "unit", "direction", "key", "minimum", "maximum", "default_target"]
    list_filter = ["key", "unit"]


@admin.register(MetricTarget)
class MetricTargetAdmin(SimpleHistoryAdmin):
    """A cloud's own targets; program managers set them for the clouds they manage."""

    list_display = ["cloud", "metric", "target"]
    list_filter = ["metric"]
    list_select_related = ["cloud", "metric"]
    history_list_display = ["change_source"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(cloud__in=visible_clouds(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cloud":
            kwargs["queryset"] = managed_clouds(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(MetricValue)
class MetricValueAdmin(admin.ModelAdmin):
    """Reported by partner tools (the API, files): looked up here, corrected by reporting again."""

    list_display = ["cloud", "metric", "day", "value", "reported_by", "updated_at"]
    list_filter = ["metric"]
    list_select_related = ["cloud", "metric"]
    date_hierarchy = "day"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(cloud__in=visible_clouds(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
