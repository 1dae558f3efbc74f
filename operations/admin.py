from django.contrib import admin

from clouds.access import managed_clouds, visible_clouds
from clouds.scoped_history import ScopedHistoryAdmin
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
class MetricTargetAdmin(ScopedHistoryAdmin):
    """A cloud's own targets; program managers set them for the clouds they manage."""

    list_display = ["cloud", "metric", "target"]
    list_filter = ["metric"]
    list_select_related = ["cloud", "metric"]
    history_list_display = ["change_source"]

    def get_queryset(self, request):
        # Only the clouds the user manages: seeing every cloud (program managers do) is not changing it.
        return super().get_queryset(request).filter(cloud__in=managed_clouds(request.user))

    def get_readonly_fields(self, request, obj=None):
        return ["cloud", "metric"] if obj is not None else []  # a target stays on its cloud and metric

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
