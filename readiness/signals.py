"""A cloud's facts (Day 1, stage) feed its level and forecast, so saving a cloud marks it stale."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from clouds.models import Cloud
from readiness.snapshots.freshness import mark_stale


@receiver(post_save, sender=Cloud, dispatch_uid="readiness_cloud_saved_marks_stale")
def cloud_saved(sender, instance: Cloud, raw: bool = False, **kwargs) -> None:
    if not raw:
        mark_stale([instance.pk])
