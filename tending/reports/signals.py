"""Move the revision counters whenever something the reports show is written.

Connected in `ReportsConfig.ready`. Handlers run inside the writer's transaction, so the data
and its new revision commit (or roll back) together.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F

from tending.reports.models import CaseloadRevision, ClientRevision


def _bump(model: type[models.Model], key: int, create: bool = True) -> None:
    if model._default_manager.filter(pk=key).update(number=F("number") + 1) or not create:
        return
    try:
        with transaction.atomic():
            model._default_manager.create(pk=key, number=1)
    except IntegrityError:  # created meanwhile by another writer
        model._default_manager.filter(pk=key).update(number=F("number") + 1)


def bump_client(client_id: int, clinician_id: int | None = None, deleting: bool = False) -> None:
    """Mark a client's reports, and their clinician's caseload, as changed.

    While rows are being deleted the client may be going too, so no counter row is created
    then; every client has one from the moment their profile is first saved.
    """
    from tending.accounts.models import ClientProfile

    _bump(ClientRevision, client_id, create=not deleting)
    if clinician_id is None:
        clinician_id = (
            ClientProfile.objects.filter(pk=client_id)
            .values_list("primary_clinician_id", flat=True)
            .first()
        )
    if clinician_id is not None:
        _bump(CaseloadRevision, clinician_id)


def client_record_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """For any row with a `client_id`: a response, alert, practice log or assignment."""
    if kwargs.get("raw"):
        return
    bump_client(instance.client_id, deleting=kwargs.get("signal") is models.signals.post_delete)


def remember_clinician(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk and not kwargs.get("raw"):
        instance._reports_previous_clinician = (
            sender.objects.filter(pk=instance.pk)
            .values_list("primary_clinician_id", flat=True)
            .first()
        )


def client_profile_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A client renamed, added, or moved to another clinician changes both caseloads."""
    if kwargs.get("raw"):
        return
    if kwargs.get("signal") is models.signals.post_delete:
        _bump(CaseloadRevision, instance.primary_clinician_id)
        return
    bump_client(instance.pk, instance.primary_clinician_id)
    previous = getattr(instance, "_reports_previous_clinician", None)
    if previous is not None and previous != instance.primary_clinician_id:
        _bump(CaseloadRevision, previous)


def membership_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        _bump(CaseloadRevision, instance.user_id)
