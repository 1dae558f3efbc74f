from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from rest_framework_api_key.admin import APIKeyModelAdmin

from clouds.access import visible_clouds, visible_partners, visible_profiles
from clouds.models import Cloud, CloudPartner, ComplianceRegime, IdempotencyRecord, Partner, PartnerAPIKey, Profile
from clouds.scoped_history import ScopedHistoryAdmin


class CloudPartnerInline(admin.TabularInline):
    model = CloudPartner
    extra = 0
    autocomplete_fields = ["partner"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(cloud__in=visible_clouds(request.user))


@admin.register(Cloud)
class CloudAdmin(ScopedHistoryAdmin):
    list_display = ["name", "slug", "country_code", "kind", "stage", "day1_date"]
    list_filter = ["stage", "kind", "country_code", "compliance_regimes"]
    search_fields = ["name", "slug", "country_code"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["compliance_regimes", "program_managers"]
    inlines = [CloudPartnerInline]
    date_hierarchy = "day1_date"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(pk__in=visible_clouds(request.user))

    def get_readonly_fields(self, request, obj=None):
        # Once a cloud exists, Day 1 moves on its launch page (/clouds/<slug>/launch/day1/), which
        # asks for a reason and keeps the slip history.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "day1_date"] if obj is not None else fields


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "country_code"]
    list_filter = ["kind", "country_code"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CloudPartnerInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(pk__in=visible_partners(request.user))


@admin.register(ComplianceRegime)
class ComplianceRegimeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "country_code"]
    search_fields = ["name", "code"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fk_name = "user"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "role", "partner", "is_active"]
    list_filter = ["profile__role", ("profile__partner", admin.RelatedOnlyFieldListFilter), "is_staff",
                   "is_superuser", "is_active"]
    list_select_related = ["profile__partner"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(profile__in=visible_profiles(request.user))

    @admin.display(description="Role", ordering="profile__role")
    def role(self, user):
        profile = getattr(user, "profile", None)
        return profile.get_role_display() if profile else "-"

    @admin.display(description="Partner", ordering="profile__partner__name")
    def partner(self, user):
        profile = getattr(user, "profile", None)
        return profile.partner if profile and profile.partner else "-"


@admin.register(CloudPartner)
class CloudPartnerAdmin(admin.ModelAdmin):
    list_display = ["cloud", "partner", "role"]
    list_filter = ["role", ("partner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["cloud__name", "partner__name"]
    list_select_related = ["cloud", "partner"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(cloud__in=visible_clouds(request.user))


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "partner", "receives_digests"]
    list_filter = ["role", ("partner", admin.RelatedOnlyFieldListFilter), "receives_digests"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user", "partner"]
    autocomplete_fields = ["user", "partner"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(pk__in=visible_profiles(request.user))


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin):
    """Keys are shown once, on creation; revoke by ticking "revoked" (a revoked key cannot be restored)."""

    list_display = [*APIKeyModelAdmin.list_display, "partner"]
    list_filter = [*APIKeyModelAdmin.list_filter, "partner"]
    search_fields = [*APIKeyModelAdmin.search_fields, "partner__name", "partner__slug"]
    list_select_related = ["partner"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """Read-only: what the API answered to a write sent with an Idempotency-Key (kept a day)."""

    list_display = ["scope", "key", "status_code", "created_at"]
    search_fields = ["key"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
