"""The scoring thresholds in force, read from settings (READINESS_* in config/settings.py)."""

from decimal import Decimal

from django.conf import settings

from readiness.scoring import Thresholds


def current_thresholds() -> Thresholds:
    return Thresholds(
        ready_score=Decimal(settings.READINESS_READY_SCORE),
        at_risk_score=Decimal(settings.READINESS_AT_RISK_SCORE),
        gating_days_before_day1=settings.READINESS_GATING_DAYS_BEFORE_DAY1,
        forecast_window_days=settings.READINESS_FORECAST_WINDOW_DAYS,
        forecast_min_points=settings.READINESS_FORECAST_MIN_POINTS,
        forecast_min_slope=settings.READINESS_FORECAST_MIN_SLOPE,
    )
