"""Findings linked, before framework moves re-linked them, to items a move retired: point them at the
items that replaced them (as readiness.services does for every move since), or drop the link when the
requirement was removed. Moves are applied oldest first, so an item moved twice lands on the latest."""

from django.db import migrations
from django.utils import timezone


def relink(apps, schema_editor):
    FrameworkMove = apps.get_model("readiness", "FrameworkMove")
    Finding = apps.get_model("readiness", "Finding")
    through = Finding.items.through
    touched = set()
    for move in FrameworkMove.objects.order_by("moved_at", "pk"):
        successor = {entry["retired_id"]: entry.get("replaced_by_id") for entry in move.retired_items}
        links = list(through.objects.filter(checklistitem_id__in=successor).values_list("pk", "finding_id",
                                                                                        "checklistitem_id"))
        if not links:
            continue
        through.objects.filter(pk__in=[pk for pk, _, _ in links]).delete()
        through.objects.bulk_create([through(finding_id=finding_id, checklistitem_id=successor[item_id])
                                     for _, finding_id, item_id in links if successor[item_id] is not None],
                                    ignore_conflicts=True)
        touched |= {finding_id for _, finding_id, _ in links}
    if touched:
        # Seen by an updated_since sync and by the event feed (webhooks are not sent for this one-off).
        now = timezone.now()
        Finding.objects.filter(pk__in=touched).update(updated_at=now)
        Event = apps.get_model("readiness", "Event")
        Event.objects.bulk_create([Event(type="finding.updated", object_kind="finding", object_id=str(finding.pk),
                                         cloud_id=finding.cloud_id, occurred_at=now, actor="job",
                                         data={"rule": finding.rule, "items_changed": True})
                                   for finding in Finding.objects.filter(pk__in=touched).order_by("pk")])


class Migration(migrations.Migration):
    dependencies = [("readiness", "0009_finding_acknowledged_by_key")]
    operations = [migrations.RunPython(relink, migrations.RunPython.noop)]
