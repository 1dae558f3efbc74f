"""Changes made outside people.staff_writes (the admin) reach coverage too."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from people.models import Screening, StaffingRequirement, StaffMember, Training
from people.staff_writes import changed_clouds


@receiver(post_save, sender=StaffingRequirement, dispatch_uid="people_requirement_saved")
def requirement_saved(sender, instance: StaffingRequirement, raw: bool = False, **kwargs) -> None:
    if not raw:
        changed_clouds([instance.cloud_id])


@receiver(post_delete, sender=StaffingRequirement, dispatch_uid="people_requirement_deleted")
def requirement_deleted(sender, instance: StaffingRequirement, **kwargs) -> None:
    changed_clouds([instance.cloud_id], deleting=True)


@receiver(m2m_changed, sender=StaffMember.clouds.through, dispatch_uid="people_clouds_changed")
def clouds_changed(sender, instance, action: str, pk_set=None, **kwargs) -> None:
    if (action in ("post_add", "post_remove") and isinstance(instance, StaffMember)
            and not getattr(instance, "_clouds_marked", False)):  # bulk writers mark their clouds once
        changed_clouds(pk_set or (), deleting=action == "post_remove")


@receiver(pre_delete, sender=StaffMember, dispatch_uid="people_staff_deleting")
def staff_deleting(sender, instance: StaffMember, **kwargs) -> None:
    """Read the clouds before the cascade removes the links (post_delete would find none)."""
    changed_clouds(list(StaffMember.clouds.through.objects.filter(staffmember_id=instance.pk)
                        .values_list("cloud_id", flat=True)), deleting=True)
    instance._clouds_marked = True


@receiver(post_save, sender=StaffMember, dispatch_uid="people_staff_changed")
@receiver([post_save, post_delete], sender=Screening, dispatch_uid="people_screening_changed")
@receiver([post_save, post_delete], sender=Training, dispatch_uid="people_training_changed")
def record_changed(sender, instance, raw: bool = False, signal=None, **kwargs) -> None:
    """Single saves (the admin's inlines); people.staff_writes marks its bulk writes itself."""
    if raw or getattr(instance, "_clouds_marked", False):
        return
    staff_id = instance.pk if isinstance(instance, StaffMember) else instance.staff_id
    changed_clouds(list(StaffMember.clouds.through.objects.filter(staffmember_id=staff_id)
                        .values_list("cloud_id", flat=True)), deleting=signal is post_delete)
