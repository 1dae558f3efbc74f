"""Clouds, the partners that operate them, and who each user is."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from rest_framework_api_key.models import AbstractAPIKey

from clouds.audit import audit_trail
from clouds.choices import CloudKind, LifecycleStage, PartnerKind, PartnerRole, UserRole
from clouds.constraints import FieldCheck

COUNTRY_CODE_REGEX = r"^[A-Z]{2}$"
COUNTRY_MESSAGE = "Use a two-letter ISO 3166 country code in capitals, e.g. FR."
SLUG_MESSAGE = "Use lowercase letters, digits and single hyphens, e.g. france-sovereign."
SLUG_REGEX = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class ComplianceRegime(models.Model):
    """A certification or regulatory regime a cloud must satisfy (SecNumCloud, BSI C5...)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    country_code = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2; blank if international.")

    class Meta:
        ordering = ["name"]
        constraints = [
            FieldCheck(
                condition=Q(country_code="") | Q(country_code__regex=COUNTRY_CODE_REGEX),
                name="regime_country_code_iso", field="country_code",
                message="Leave empty, or use a two-letter ISO 3166 country code in capitals, e.g. FR.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """An organisation that operates or supports clouds, typically a country's NCOE."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=PartnerKind.choices, default=PartnerKind.NCOE)
    country_code = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, e.g. FR.")

    class Meta:
        ordering = ["name"]
        constraints = [
            FieldCheck(condition=Q(country_code__regex=COUNTRY_CODE_REGEX), name="partner_country_code_iso",
                       field="country_code", message=COUNTRY_MESSAGE),
            models.CheckConstraint(condition=Q(kind__in=PartnerKind.values), name="partner_kind_valid"),
            FieldCheck(condition=Q(slug__regex=SLUG_REGEX), name="partner_slug_format", field="slug",
                       message=SLUG_MESSAGE),
        ]

    def __str__(self) -> str:
        return self.name


EARLIEST_DAY1, LATEST_DAY1 = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def validate_plausible_day1(value: dt.date) -> None:
    """A launch date between 2000 and 2100: anything else is a typing slip (and gate dates derive from it)."""
    if not EARLIEST_DAY1 <= value <= LATEST_DAY1:
        raise ValidationError(f"Day 1 must be between {EARLIEST_DAY1.isoformat()} and {LATEST_DAY1.isoformat()}.")


class Cloud(models.Model):
    """A sovereign or government cloud whose support organisation must be ready on Day 1."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160)
    country_code = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, e.g. DE.")
    kind = models.CharField(max_length=20, choices=CloudKind.choices, default=CloudKind.SOVEREIGN)
    stage = models.CharField(max_length=20, choices=LifecycleStage.choices, default=LifecycleStage.PLANNED)
    day1_date = models.DateField("Day 1", null=True, blank=True, help_text="Planned or actual launch date.",
                                 validators=[validate_plausible_day1])
    compliance_regimes = models.ManyToManyField(ComplianceRegime, blank=True, related_name="clouds")
    program_managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_clouds",
        help_text="Program managers who may edit this cloud's checklist.",
    )
    partners = models.ManyToManyField(Partner, through="CloudPartner", related_name="clouds", blank=True)
    history = audit_trail(m2m_fields=[program_managers, compliance_regimes])

    class Meta:
        ordering = ["name"]
        constraints = [
            FieldCheck(condition=Q(country_code__regex=COUNTRY_CODE_REGEX), name="cloud_country_code_iso",
                       field="country_code", message=COUNTRY_MESSAGE),
            models.CheckConstraint(condition=Q(kind__in=CloudKind.values), name="cloud_kind_valid"),
            models.CheckConstraint(condition=Q(stage__in=LifecycleStage.values), name="cloud_stage_valid"),
            FieldCheck(condition=Q(slug__regex=SLUG_REGEX), name="cloud_slug_format", field="slug",
                       message=SLUG_MESSAGE),
            FieldCheck(
                condition=~Q(stage=LifecycleStage.LAUNCHED) | Q(day1_date__isnull=False),
                name="cloud_launched_has_day1", field="day1_date",
                message="A launched cloud needs its Day 1 date.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("readiness:checklist", kwargs={"slug": self.slug})


class CloudPartner(models.Model):
    """The link between a partner and a cloud, with the partner's role on it."""

    cloud = models.ForeignKey(Cloud, on_delete=models.CASCADE, related_name="partner_links")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="cloud_links")
    role = models.CharField(max_length=20, choices=PartnerRole.choices, default=PartnerRole.OPERATOR)

    class Meta:
        ordering = ["cloud__name", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["cloud", "partner"], name="cloudpartner_unique"),
            models.CheckConstraint(condition=Q(role__in=PartnerRole.values), name="cloudpartner_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} - {self.get_role_display()} of {self.cloud}"


class Profile(models.Model):
    """What the portal knows about a user: role, partner organisation, digest opt-in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=20, choices=UserRole.choices)
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="members",
        help_text="A user who belongs to a partner sees only that partner's clouds, whatever the role.",
    )
    receives_digests = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(role__in=UserRole.values), name="profile_role_valid"),
            FieldCheck(
                condition=~Q(role=UserRole.PARTNER_STAFF) | Q(partner__isnull=False),
                name="profile_partner_staff_has_partner", field="partner",
                message="Partner staff belong to a partner: choose theirs.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class PartnerAPIKey(AbstractAPIKey):
    """A named API key bound to one partner: its tools see that partner's clouds and nothing else.

    Stored hashed (djangorestframework-api-key); the key itself is shown once, when created.
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="api_keys")

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "partner API key"
        verbose_name_plural = "partner API keys"
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="apikey_name_unique_per_partner"),
        ]


class IdempotencyRecord(models.Model):
    """The first answer to an API write sent with an `Idempotency-Key` (config.api.idempotency), so a
    replay gets it again instead of doing the write twice. Kept a day."""

    scope = models.CharField(max_length=80, help_text="Who sent it: a hash of the API key, or the session user.")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path, query and body.")
    created_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty while in progress.")
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_once_per_caller")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.status_code or 'in progress'}"
