"""The audit trail: django-simple-history records plus how each change was made.

Every audited model declares `history = audit_trail()`. Records made by the
service layer carry the source and, for API writes, the key's name explicitly;
records made by a model save (admin, management commands) take the source from
`instance._change_source`, else from the request in progress.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from clouds.choices import ChangeSource


class AuditFields(models.Model):
    """Extra columns on every history table."""

    change_source = models.CharField(max_length=10, choices=ChangeSource.choices, blank=True)
    api_key_name = models.CharField(max_length=100, blank=True)

    class Meta:
        abstract = True


def signed_in_user(instance=None, request=None, **kwargs):
    """The history user: a real signed-in user; an API key is recorded by name, not as a user."""
    user = getattr(request, "user", None)
    return user if isinstance(user, get_user_model()) and user.is_authenticated else None


def audit_trail(**options) -> HistoricalRecords:
    return HistoricalRecords(bases=[AuditFields], get_user=signed_in_user, **options)


@receiver(pre_create_historical_record, dispatch_uid="clouds_history_source")
def record_change_source(sender, instance, history_instance, **kwargs) -> None:
    if not history_instance.api_key_name:
        history_instance.api_key_name = getattr(instance, "_api_key_name", "") or ""
    if history_instance.change_source:
        return
    source = getattr(instance, "_change_source", None)
    if source is None:
        request = getattr(HistoricalRecords.context, "request", None)
        if request is None:
            source = ChangeSource.JOB
        elif request.path.startswith("/admin/"):
            source = ChangeSource.ADMIN
        else:
            source = ChangeSource.BROWSER
    history_instance.change_source = source
