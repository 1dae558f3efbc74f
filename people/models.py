"""The staff who would support each cloud, their screenings and trainings, and each cloud's
staffing requirements. Eligibility and coverage are computed by people.coverage (pure)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from clouds.audit import audit_trail
from clouds.constraints import FieldCheck
from clouds.countries import is_iso_country
from clouds.models import Cloud, Partner
from people.coverage import ROLES

COUNTRY_LIST_REGEX = r"^[A-Z]{2}(,[A-Z]{2})*$"
ROLE_LIST_REGEX = rf"^({'|'.join(ROLES)})(,({'|'.join(ROLES)}))*$"
CODE_REGEX = r"^[a-z][a-z0-9_-]*$"
CODE_LIST_REGEX = r"^[a-z][a-z0-9_-]*(,[a-z][a-z0-9_-]*)*$"


class StaffRole(models.TextChoices):
    SUPPORT_ENGINEER = ROLES[0], "Support engineer"
    ESCALATION_ENGINEER = ROLES[1], "Escalation engineer"
    INCIDENT_MANAGER = ROLES[2], "Incident manager"
    DUTY_MANAGER = ROLES[3], "Duty manager"


class ScreeningType(models.TextChoices):
    CLOUD_BACKGROUND_CHECK = "cloud_background_check", "Cloud background check"
    NATIONAL_CLEARANCE = "national_clearance", "National security clearance"
    PUBLIC_TRUST = "public_trust", "Public trust (US)"


SCREENING_LIST_REGEX = rf"^({'|'.join(ScreeningType.values)})(,({'|'.join(ScreeningType.values)}))*$"


def split_codes(value: str) -> list[str]:
    """A stored comma-separated list as a list ("" is the empty list)."""
    return [part for part in value.split(",") if part]


class StaffMember(models.Model):
    """A person who may support clouds: employed by a partner (or, with no employer, by the provider)."""

    employer = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
                                 help_text="Empty: employed by the cloud provider.")
    full_name = models.CharField(max_length=160)
    roles = models.CharField(max_length=200, help_text="Comma-separated: " + ", ".join(ROLES) + ".")
    citizenships = models.CharField(max_length=60, blank=True,
                                    help_text="ISO 3166 codes, comma-separated, e.g. FR,DE.")
    clouds = models.ManyToManyField(Cloud, blank=True, related_name="staff", help_text="The clouds they serve.")
    active = models.BooleanField(default=True)
    external_id = models.CharField(max_length=100, blank=True,
                                   help_text="The employer's own id, for partner tools; unique per employer.")
    inactive_since = models.DateField(null=True, blank=True, editable=False,
                                      help_text="Set when the person is made inactive (removed).")
    erased_on = models.DateField(null=True, blank=True, editable=False,
                                 help_text="When the name and external id were erased (PEOPLE_RETENTION_DAYS after "
                                           "removal); the anonymous record stays for counts.")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = audit_trail(m2m_fields=[clouds])

    class Meta:
        ordering = ["full_name", "pk"]
        constraints = [
            FieldCheck(condition=~Q(full_name=""), name="staff_has_name", field="full_name",
                       message="Enter the person's name."),
            FieldCheck(condition=Q(roles__regex=ROLE_LIST_REGEX), name="staff_roles_format", field="roles",
                       message="List one or more roles, comma-separated: " + ", ".join(ROLES) + "."),
            FieldCheck(condition=Q(citizenships="") | Q(citizenships__regex=COUNTRY_LIST_REGEX),
                       name="staff_citizenships_format", field="citizenships",
                       message="Two-letter ISO 3166 codes in capitals, comma-separated, e.g. FR,DE."),
            models.UniqueConstraint(fields=["employer", "external_id"], condition=~Q(external_id=""),
                                    name="staff_external_id_unique_per_employer"),
            models.UniqueConstraint(fields=["external_id"], condition=Q(employer__isnull=True) & ~Q(external_id=""),
                                    name="staff_external_id_unique_for_provider"),
            models.CheckConstraint(condition=Q(version__gte=1), name="staff_version_positive"),
            models.CheckConstraint(condition=Q(erased_on__isnull=True) | Q(active=False, external_id=""),
                                   name="staff_erased_is_inactive_and_anonymous"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        # Removal starts the retention clock (people.privacy); coming back stops it.
        if self.active:
            self.inactive_since = None
        elif self.inactive_since is None:
            self.inactive_since = timezone.localdate()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        unknown = [code for code in split_codes(self.citizenships) if not is_iso_country(code)]
        if unknown:
            raise ValidationError({"citizenships": f"Not ISO 3166 country codes: {', '.join(unknown)}."})

    @property
    def role_list(self) -> list[str]:
        return split_codes(self.roles)

    @property
    def citizenship_list(self) -> list[str]:
        return split_codes(self.citizenships)


class Screening(models.Model):
    """A background screening: valid from completed_on until (not including) expires_on."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="screenings")
    kind = models.CharField("type", max_length=40, choices=ScreeningType.choices)
    completed_on = models.DateField()
    expires_on = models.DateField(blank=True, help_text="Empty: completed on + SCREENING_VALIDITY_DAYS (730).")
    history = audit_trail()

    class Meta:
        ordering = ["staff", "kind", "-expires_on"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ScreeningType.values), name="screening_kind_valid"),
            FieldCheck(condition=Q(expires_on__gt=F("completed_on")), name="screening_expires_after_completion",
                       field="expires_on", message="A screening expires after the day it was completed."),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.staff}, until {self.expires_on}"

    def save(self, *args, **kwargs) -> None:
        if self.expires_on is None and self.completed_on is not None:
            self.expires_on = default_expiry(self.completed_on)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.expires_on is None and self.completed_on is not None:
            try:
                default_expiry(self.completed_on)
            except OverflowError:
                raise ValidationError({"completed_on": "Too late: the standard validity would end after "
                                                       "9999-12-31; give an expiry date."}) from None


def default_expiry(completed_on: dt.date) -> dt.date:
    return completed_on + dt.timedelta(days=settings.SCREENING_VALIDITY_DAYS)


class Training(models.Model):
    """A completed course, e.g. the sovereign-boundary training; valid until expires_on if it has one."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField(max_length=60, help_text="A course code such as sovereign-boundary.")
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text="Empty: does not expire.")
    history = audit_trail()

    class Meta:
        ordering = ["staff", "course", "-completed_on"]
        constraints = [
            FieldCheck(condition=Q(course__regex=CODE_REGEX), name="training_course_format", field="course",
                       message="Use a course code: lowercase letters, digits, hyphens, e.g. sovereign-boundary."),
            FieldCheck(condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("completed_on")),
                       name="training_expires_after_completion", field="expires_on",
                       message="A training expires after the day it was completed."),
        ]

    def __str__(self) -> str:
        return f"{self.course} of {self.staff}"


class StaffingRequirement(models.Model):
    """How many eligible people a cloud needs in one role, and what makes someone eligible."""

    cloud = models.ForeignKey(Cloud, on_delete=models.CASCADE, related_name="staffing_requirements")
    role = models.CharField(max_length=40, choices=StaffRole.choices)
    minimum = models.PositiveSmallIntegerField(help_text="Minimum eligible headcount.")
    allowed_citizenships = models.CharField(max_length=200, blank=True,
                                            help_text="ISO codes, comma-separated; empty: any citizenship.")
    screenings = models.CharField(max_length=200, blank=True, help_text="Required screening types, comma-separated.")
    trainings = models.CharField(max_length=200, blank=True, help_text="Required course codes, comma-separated.")
    history = audit_trail()

    class Meta:
        ordering = ["cloud", "role"]
        constraints = [
            models.UniqueConstraint(fields=["cloud", "role"], name="staffing_requirement_unique_role"),
            models.CheckConstraint(condition=Q(role__in=StaffRole.values), name="staffing_requirement_role_valid"),
            FieldCheck(condition=Q(minimum__gte=1), name="staffing_requirement_minimum_positive", field="minimum",
                       message="A requirement needs at least one person."),
            FieldCheck(condition=Q(allowed_citizenships="") | Q(allowed_citizenships__regex=COUNTRY_LIST_REGEX),
                       name="staffing_requirement_citizenships_format", field="allowed_citizenships",
                       message="Two-letter ISO 3166 codes in capitals, comma-separated, e.g. FR,DE; or empty."),
            FieldCheck(condition=Q(screenings="") | Q(screenings__regex=SCREENING_LIST_REGEX),
                       name="staffing_requirement_screenings_format", field="screenings",
                       message="Screening types, comma-separated: " + ", ".join(ScreeningType.values) + "."),
            FieldCheck(condition=Q(trainings="") | Q(trainings__regex=CODE_LIST_REGEX),
                       name="staffing_requirement_trainings_format", field="trainings",
                       message="Course codes, comma-separated, e.g. sovereign-boundary."),
        ]

    def __str__(self) -> str:
        return f"{self.cloud}: {self.minimum} x {self.get_role_display()}"

    def clean(self) -> None:
        unknown = [code for code in split_codes(self.allowed_citizenships) if not is_iso_country(code)]
        if unknown:
            raise ValidationError({"allowed_citizenships": f"Not ISO 3166 country codes: {', '.join(unknown)}."})
