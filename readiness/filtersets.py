"""One FilterSet for checklist items, shared by the checklist page and the API."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone

from readiness.choices import ItemStatus, Pillar
from readiness.models import WAIVED, ChecklistItem, overdue_condition

YES_NO = (("true", "Yes"), ("false", "No"))


class ChecklistItemFilterSet(django_filters.FilterSet):
    pillar = django_filters.ChoiceFilter(field_name="requirement__pillar", choices=Pillar.choices,
                                         empty_label="All pillars")
    area = django_filters.CharFilter(field_name="requirement__area", label="Area", max_length=40)
    status = django_filters.MultipleChoiceFilter(choices=ItemStatus.choices, label="Status")
    owner = django_filters.CharFilter(
        method="filter_owner", label="Owner", help_text="A user id, 'me' or 'none'.",
        validators=[RegexValidator(r"^(me|none|[0-9]{1,18})$", "Use a user id, 'me' or 'none'.")],
    )
    overdue = django_filters.ChoiceFilter(choices=YES_NO, method="filter_overdue", label="Overdue only")
    gating = django_filters.ChoiceFilter(choices=YES_NO, method="filter_gating", label="Gating only")
    q = django_filters.CharFilter(method="filter_text", label="Search", max_length=200)

    class Meta:
        model = ChecklistItem
        fields = ["pillar", "area", "status", "owner", "overdue", "gating", "q"]

    def filter_owner(self, queryset, name, value):
        value = value.strip()
        if value == "none":
            return queryset.filter(owner__isnull=True)
        if value == "me":
            user = getattr(self.request, "user", None)
            # An API key is nobody: it owns nothing.
            return queryset.filter(owner=user) if isinstance(user, get_user_model()) else queryset.none()
        return queryset.filter(owner_id=int(value))

    def filter_overdue(self, queryset, name, value):
        # A waived item is not overdue (its effective status is "waived").
        today = timezone.localdate()
        overdue = overdue_condition(today) & ~WAIVED
        queryset = queryset.with_waiver_flag(today)
        return queryset.filter(overdue) if value == "true" else queryset.exclude(overdue)

    def filter_gating(self, queryset, name, value):
        return queryset.filter(requirement__gating=value == "true")

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(requirement__code__icontains=value) | Q(requirement__title__icontains=value)
                               | Q(notes__icontains=value))
