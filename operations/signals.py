"""A changed target changes health and findings: the cloud is marked stale, so its findings follow."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from clouds.models import Cloud
from operations.models import MetricTarget
from readiness.snapshots.freshness import mark_stale


@receiver(post_save, sender=MetricTarget, dispatch_uid="operations_target_saved")
def target_saved(sender, instance: MetricTarget, raw: bool = False, **kwargs) -> None:
    if not raw:
        mark_stale([instance.cloud_id])


@receiver(post_delete, sender=MetricTarget, dispatch_uid="operations_target_deleted")
def target_deleted(sender, instance: MetricTarget, **kwargs) -> None:
    cloud_id = instance.cloud_id  # the cloud itself may be being deleted: look again once committed

    def after() -> None:
        if Cloud.objects.filter(pk=cloud_id).exists():
            with transaction.atomic():
                mark_stale([cloud_id])

    transaction.on_commit(after)
