from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils import timezone

from clouds.access import managed_clouds, visible_clouds
from clouds.scoped_history import ScopedHistoryAdmin
from readiness.access import editable_items, visible_items
from readiness.choices import ChangeSource
from readiness.models import (
    Checklist,
    ChecklistItem,
    CloudScoreState,
    DigestDelivery,
    Event,
    EventPurge,
    Finding,
    Framework,
    FrameworkMove,
    JobHeartbeat,
    Requirement,
    ScoreSnapshot,
    Waiver,
    WebhookDelivery,
    WebhookEndpoint,
)
from readiness.services import (
    EDITABLE_ITEM_FIELDS,
    ChecklistAlreadyActiveError,
    StaleVersionError,
    preview_item_changes,
    start_checklist,
    update_item,
)
from readiness.webhooks import new_secret, redeliver


class ReadOnlyAdminMixin:
    """Loaded data that must not change in place (a change is a new framework version)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RequirementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Requirement
    fields = ["code", "title", "pillar", "area", "weight", "gating"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdminMixin, ScopedHistoryAdmin):
    """Frameworks are loaded with `manage.py load_framework`; loaded versions are read-only."""

    list_display = ["name", "slug", "version", "loaded_at", "loaded_by"]
    search_fields = ["name", "slug"]
    inlines = [RequirementInline]


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title", "framework", "pillar", "area", "weight", "gating"]
    list_filter = ["framework", "pillar", "area", "gating", "weight"]
    search_fields = ["code", "title", "guidance"]
    list_select_related = ["framework"]


class StartChecklistForm(forms.ModelForm):
    class Meta:
        model = Checklist
        fields = ["cloud", "framework"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A read-only view (no change permission) has no editable fields to narrow.
        if user is not None and not user.is_superuser and "cloud" in self.fields:
            self.fields["cloud"].queryset = managed_clouds(user)

    def clean(self):
        cleaned = super().clean()
        cloud, framework = cleaned.get("cloud"), cleaned.get("framework")
        if cloud and framework and Checklist.objects.active().filter(cloud=cloud, framework=framework).exists():
            raise ValidationError(f"{cloud} already has an active checklist on {framework}.")
        current = Checklist.objects.active().select_related("framework").filter(cloud=cloud).first() \
            if cloud else None
        if (current and framework and current.framework.slug == framework.slug
                and current.framework.version > framework.version):
            raise ValidationError(f"{cloud} is on {current.framework}; going back to an older version "
                                  "is not allowed.")
        return cleaned

    def validate_constraints(self, exclude=None):
        pass  # start_checklist archives the previous active checklist, so the partial unique holds


@admin.register(Checklist)
class ChecklistAdmin(ScopedHistoryAdmin):
    """Adding a checklist here starts it for the cloud (one item per requirement)."""

    list_display = ["cloud", "framework", "is_active", "started_at", "started_by"]
    list_filter = ["is_active", "framework", ("cloud", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["cloud__name", "cloud__slug"]
    list_select_related = ["cloud", "framework", "started_by"]
    form = StartChecklistForm

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(cloud__in=visible_clouds(request.user))

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class ScopedForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, user=request.user, **inner)

        return ScopedForm

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and not managed_clouds(request.user).filter(pk=obj.cloud_id).exists():
            raise PermissionDenied
        try:
            started = start_checklist(cloud=obj.cloud, framework=obj.framework, actor=request.user)
        except ChecklistAlreadyActiveError as exc:  # lost a race with another start
            request.checklist_start_refused = str(exc)
            return
        obj.pk = started.pk

    def log_addition(self, request, obj, message):
        if not getattr(request, "checklist_start_refused", None):
            super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        refused = getattr(request, "checklist_start_refused", None)
        if refused:
            self.message_user(request, refused, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)


class ChecklistItemForm(forms.ModelForm):
    """The admin's item form; `expected_version` carries the version the editor saw."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    evidence_url = forms.URLField(label="Evidence link", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = ChecklistItem
        fields = sorted(EDITABLE_ITEM_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        self.item_changes = {name: cleaned.get(name) for name in self.changed_data
                             if name in EDITABLE_ITEM_FIELDS}
        if self.errors or not self.instance.pk:
            return cleaned
        current = ChecklistItem.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        if current != cleaned.get("expected_version"):
            raise ValidationError(
                "Someone else saved this item since you opened it (it is now at version "
                f"{current}). Reload the page to see their change, then apply yours again."
            )
        preview_item_changes(item=self.instance, changes=self.item_changes)
        return cleaned

    def _post_clean(self):
        # The service layer validates and writes; skip ModelForm's instance mutation
        # so a refused edit leaves the object untouched.
        pass


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ScopedHistoryAdmin):
    """Item edits go through readiness.services.update_item, like every other path."""

    form = ChecklistItemForm
    list_display = ["code", "title", "cloud", "pillar", "status", "owner", "due_date", "gating", "version"]
    list_filter = [
        ("checklist__cloud", admin.RelatedOnlyFieldListFilter),
        "requirement__pillar",
        "status",
        ("owner", admin.RelatedOnlyFieldListFilter),
        "requirement__gating",
        "requirement__area",
        "checklist__is_active",
    ]
    search_fields = ["requirement__code", "requirement__title", "notes", "checklist__cloud__name"]
    list_select_related = ["requirement", "checklist__cloud", "owner"]
    readonly_fields = ["requirement", "checklist", "guidance", "version", "updated_at",
                       "status_changed_at", "completed_at"]
    fields = ["checklist", "requirement", "guidance", "status", "owner", "accountable_partner", "due_date",
              "evidence_url", "notes", "na_justification", "expected_version", "version", "updated_at",
              "status_changed_at", "completed_at"]
    ordering = ["checklist__cloud__name", "requirement__position"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = get_user_model().objects.filter(is_active=True, profile__isnull=False) \
                .order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def log_change(self, request, obj, message):
        if not getattr(request, "item_save_refused", None):
            super().log_change(request, obj, message)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(pk__in=visible_items(request.user))

    def has_add_permission(self, request):
        return False  # items are created by starting a checklist

    def has_delete_permission(self, request, obj=None):
        return False  # items are never hard-deleted (partner tools sync them)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return editable_items(request.user).filter(pk=obj.pk).exists()

    @admin.display(description="Code", ordering="requirement__code")
    def code(self, item):
        return item.requirement.code

    @admin.display(description="Title")
    def title(self, item):
        return item.requirement.title

    @admin.display(description="Cloud", ordering="checklist__cloud__name")
    def cloud(self, item):
        return item.checklist.cloud

    @admin.display(description="Pillar", ordering="requirement__pillar")
    def pillar(self, item):
        return item.requirement.get_pillar_display()

    @admin.display(description="Gating", boolean=True, ordering="requirement__gating")
    def gating(self, item):
        return item.requirement.gating

    @admin.display(description="Guidance")
    def guidance(self, item):
        return item.requirement.guidance

    def save_model(self, request, obj, form, change):
        try:
            saved = update_item(item=obj, changes=form.item_changes, actor=request.user,
                                source=ChangeSource.ADMIN,
                                expected_version=form.cleaned_data["expected_version"])
        except (StaleVersionError, ValidationError) as exc:
            # Raced with another writer between clean() and save: report, keep nothing.
            request.item_save_refused = str(exc) if isinstance(exc, StaleVersionError) \
                else " ".join(exc.messages)
            return
        obj.version = saved.version

    def response_change(self, request, obj):
        refused = getattr(request, "item_save_refused", None)
        if refused:
            self.message_user(request, refused, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


class CloudScopedAdminMixin:
    """Non-superusers see rows of the clouds clouds.access lets them see."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(cloud__in=visible_clouds(request.user))


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(CloudScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["cloud", "day", "scope", "score", "level", "reason", "done_weight", "counted_weight"]
    list_filter = ["scope", "level", ("cloud", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "day"
    list_select_related = ["cloud"]



@admin.register(CloudScoreState)
class CloudScoreStateAdmin(CloudScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only view of which clouds wait for a refresh of their scores and findings."""

    list_display = ["cloud", "stale", "generation", "marked_at", "computed_at"]
    list_filter = ["stale"]
    list_select_related = ["cloud"]


@admin.register(JobHeartbeat)
class JobHeartbeatAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "finished_at"]


@admin.register(Finding)
class FindingAdmin(CloudScopedAdminMixin, admin.ModelAdmin):
    """Findings are written by the insights engine; only the acknowledgement is edited by people."""

    list_display = ["cloud", "rule", "severity", "opened_at", "resolved_at", "acknowledged_at"]
    list_filter = ["severity", "rule", ("cloud", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["cloud__name", "explanation"]
    list_select_related = ["cloud"]
    readonly_fields = ["cloud", "rule", "severity", "explanation", "recommendation", "opened_at", "updated_at",
                       "resolved_at", "acknowledged_at", "acknowledged_by", "acknowledgement_note"]
    exclude = ["items"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # findings are the register's history


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "day", "sent_at", "finding_count"]
    list_filter = ["day"]


@admin.register(FrameworkMove)
class FrameworkMoveAdmin(CloudScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["cloud", "moved_at", "from_checklist", "to_checklist", "moved_by"]
    list_select_related = ["cloud", "from_checklist__framework", "to_checklist__framework", "moved_by"]


@admin.register(Waiver)
class WaiverAdmin(ReadOnlyAdminMixin, ScopedHistoryAdmin):
    """Read-only here: waivers are requested and decided on their pages (or the API), where the
    approval rules of readiness.waivers apply."""

    list_display = ["pk", "item", "state", "expires_on", "requested_by", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["item__requirement", "item__checklist__cloud", "requested_by", "decided_by"]
    date_hierarchy = "expires_on"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(item__in=visible_items(request.user))


@admin.register(Event)
class EventAdmin(CloudScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "type", "object_kind", "object_id", "cloud", "occurred_at", "actor"]
    list_filter = ["type", "object_kind"]
    list_select_related = ["cloud"]


@admin.register(EventPurge)
class EventPurgeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["through_id", "purged_at"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ScopedHistoryAdmin):
    """Administrators manage any partner's endpoints here; the secret is made for them and shown read-only."""

    list_display = ["partner", "url", "active", "failing_since", "disabled_at"]
    list_filter = ["active", "partner"]
    fields = ["partner", "url", "description", "active", "secret", "created_at", "failing_since", "disabled_at",
              "disabled_reason"]
    readonly_fields = ["secret", "created_at", "failing_since", "disabled_at", "disabled_reason"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.secret, obj.created_at, obj.created_by = new_secret(), timezone.now(), request.user
        if obj.active and obj.disabled_at is not None:  # enabling it again starts afresh
            obj.disabled_at, obj.disabled_reason, obj.failing_since = None, "", None
        super().save_model(request, obj, form, change)


@admin.action(description="Deliver again")
def deliver_again(modeladmin, request, queryset):
    for delivery in queryset:
        redeliver(delivery)
    messages.success(request, f"{queryset.count()} deliveries queued again.")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "endpoint", "event", "status", "attempts", "last_status_code", "next_attempt_at"]
    list_filter = ["status"]
    list_select_related = ["endpoint__partner", "event"]
    actions = [deliver_again]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()
