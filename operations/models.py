"""Support signals from partner tools: metric definitions (from a versioned YAML catalogue), each
cloud's targets, and daily values. Health is computed by operations.health (pure)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from clouds.audit import audit_trail
from clouds.constraints import FieldCheck
from clouds.models import Cloud
from operations.health import DIRECTIONS

METRIC_CODE_REGEX = r"^[a-z][a-z0-9_]*$"
VALUE_DIGITS, VALUE_PLACES = 14, 3


class MetricUnit(models.TextChoices):
    COUNT = "count", "count"
    PERCENT = "percent", "%"
    HOURS = "hours", "hours"
    MINUTES = "minutes", "minutes"
    SCORE = "score", "score"


class MetricCatalog(models.Model):
    """One loaded version of the metric catalogue file; loading the same content again changes nothing."""

    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=160)
    version = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug", "version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="metric_catalog_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="metric_catalog_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class MetricDefinition(models.Model):
    """A support signal: what it measures, its unit and valid range, which way is better, its default target."""

    code = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=10, choices=MetricUnit.choices)
    direction = models.CharField(max_length=6, choices=[(d, f"{d} is better") for d in DIRECTIONS])
    key = models.BooleanField(default=False, help_text="Key metrics decide a cloud's operations health.")
    whole = models.BooleanField(default=False, help_text="Values are whole numbers (counts).")
    minimum = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, default=0)
    maximum = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True)
    default_target = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True,
                                         help_text="Empty: the metric is shown but judged against no target.")
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    catalog = models.ForeignKey(MetricCatalog, on_delete=models.PROTECT, related_name="metrics")

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            FieldCheck(condition=Q(code__regex=METRIC_CODE_REGEX), name="metric_code_format", field="code",
                       message="Use lowercase letters, digits and underscores, e.g. backlog."),
            models.CheckConstraint(condition=Q(unit__in=MetricUnit.values), name="metric_unit_valid"),
            models.CheckConstraint(condition=Q(direction__in=DIRECTIONS), name="metric_direction_valid"),
            models.CheckConstraint(condition=Q(minimum__gte=0), name="metric_minimum_not_negative"),
            FieldCheck(condition=Q(maximum__isnull=True) | Q(maximum__gt=F("minimum")), name="metric_range_valid",
                       field="maximum", message="The maximum must be above the minimum."),
            FieldCheck(condition=Q(default_target__isnull=True) | (Q(default_target__gte=F("minimum")) & (
                Q(maximum__isnull=True) | Q(default_target__lte=F("maximum")))),
                name="metric_default_target_in_range", field="default_target",
                message="The default target must be within the metric's range."),
        ]

    def __str__(self) -> str:
        return self.name


class MetricTarget(models.Model):
    """A cloud's own target for a metric (otherwise the metric's default target applies)."""

    cloud = models.ForeignKey(Cloud, on_delete=models.CASCADE, related_name="metric_targets")
    metric = models.ForeignKey(MetricDefinition, on_delete=models.CASCADE, related_name="targets")
    target = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    history = audit_trail()

    class Meta:
        ordering = ["cloud", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["cloud", "metric"], name="metric_target_unique"),
            models.CheckConstraint(condition=Q(target__gte=0), name="metric_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.cloud}: {self.metric} target {self.target}"

    def clean(self) -> None:
        """A target the metric could never reach, or never miss, is refused (the admin's form calls this)."""
        metric = self.metric if self.metric_id else None
        if metric is None or self.target is None:
            return
        if self.target < metric.minimum or (metric.maximum is not None and self.target > metric.maximum):
            upper = f" to {metric.maximum.normalize():f}" if metric.maximum is not None else " or more"
            raise ValidationError({"target": f"{metric.name} runs from {metric.minimum.normalize():f}{upper}."})
        if metric.whole and self.target != self.target.to_integral_value():
            raise ValidationError({"target": f"{metric.name} is counted in whole numbers."})


class MetricValue(models.Model):
    """One day's value of one metric for one cloud, as reported (upserted on cloud, metric and day)."""

    cloud = models.ForeignKey(Cloud, on_delete=models.CASCADE, related_name="metric_values")
    metric = models.ForeignKey(MetricDefinition, on_delete=models.PROTECT, related_name="values")
    day = models.DateField()
    value = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    reported_by = models.CharField(max_length=160, blank=True, help_text="User name or partner/key name.")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["cloud", "metric", "day"]
        constraints = [
            models.UniqueConstraint(fields=["cloud", "metric", "day"], name="metric_value_unique_day"),
            models.CheckConstraint(condition=Q(value__gte=0), name="metric_value_not_negative"),
        ]
        indexes = [models.Index(fields=["cloud", "day"], name="metric_value_cloud_day")]

    def __str__(self) -> str:
        return f"{self.cloud} {self.metric.code} {self.day}: {self.value}"
