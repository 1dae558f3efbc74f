"""A cloud's facts (Day 1, stage) feed its level and forecast, so saving a cloud marks it stale; a user's
new name is shown on the items they own, so a rename is an event for each."""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from clouds.models import Cloud
from readiness import events
from readiness.models import ChecklistItem
from readiness.snapshots.freshness import mark_stale


@receiver(post_save, sender=Cloud, dispatch_uid="readiness_cloud_saved_marks_stale")
def cloud_saved(sender, instance: Cloud, raw: bool = False, **kwargs) -> None:
    if not raw:
        mark_stale([instance.pk])


def _shown_name(user) -> str:
    return user.get_full_name() or user.get_username()


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="readiness_user_name_before")
def user_name_before(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if update_fields is not None and not {"first_name", "last_name", "username"} & set(update_fields):
        return  # e.g. last_login on each sign-in
    if not raw and instance.pk is not None:
        before = sender.objects.filter(pk=instance.pk).first()
        instance._shown_name_before = _shown_name(before) if before is not None else None


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="readiness_user_renamed")
def user_renamed(sender, instance, raw: bool = False, created: bool = False, **kwargs) -> None:
    """Items show their owner's name: a rename is a change a partner's mirror must see (an event per
    item it owns), though the items themselves (version, ETag) did not change."""
    before = getattr(instance, "_shown_name_before", None)
    if raw or created or before is None or before == _shown_name(instance):
        return
    owned = ChecklistItem.objects.active().filter(owner=instance).values_list("pk", "checklist__cloud_id")
    events.record([events.Change(events.ITEM_CHANGED, "item", pk, cloud_id, {"fields": ["owner_name"]})
                   for pk, cloud_id in owned])
