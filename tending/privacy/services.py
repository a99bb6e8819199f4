"""Data-subject rights: a complete export of a client's records, and erasure.

See docs/data-subject-rights.md for who may do what, what erasure keeps and why.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from uuid import UUID

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tending.accounts.models import ClientProfile, Organisation, User
from tending.audit.models import AuditEvent
from tending.audit.services import record
from tending.privacy import linked
from tending.privacy.export import SCHEMA_VERSION, build_export
from tending.therapy_sessions.models import Reflection

EXPORT_FILE = "tending-export.json"
ERASED_EMAIL_DOMAIN = "erased.invalid"


@transaction.atomic
def export_client(*, request: HttpRequest, client: ClientProfile, include_private: bool) -> bytes:
    """Return a zip holding `tending-export.json` for `client`, and audit the export.

    Practice recordings belong to the clinicians who made them, so no media file is included.
    """
    data = build_export(client, include_private=include_private)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            EXPORT_FILE, json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
    record(
        action="client.data_exported_for_subject",
        request=request,
        client=client,
        target=client,
        detail={"schema_version": SCHEMA_VERSION, "complete": include_private},
    )
    return buffer.getvalue()


def record_counts(client: ClientProfile) -> dict[str, int]:
    """Return how many rows each model holds about `client` ("app.Model": count, non-zero)."""
    counts = {}
    for model, paths in linked.client_paths().items():
        number = linked.rows_for(model, paths, client).count()
        if number:
            counts[model._meta.label] = number
    return counts


@dataclass(frozen=True)
class Erasure:
    client_id: UUID
    counts: dict[str, int]


def _clear_account(user: User) -> dict[str, int]:
    """Deactivate the client's account and remove everything that identifies them in it."""
    counts = {
        "otp_totp.TOTPDevice": TOTPDevice.objects.filter(user=user).delete()[0],
        "otp_static.StaticDevice": StaticDevice.objects.filter(user=user).delete()[0],
    }
    ended = [
        session.pk
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    counts["sessions.Session"] = Session.objects.filter(pk__in=ended).delete()[0]
    user.email = f"erased-{user.public_id}@{ERASED_EMAIL_DOMAIN}"
    user.name = ""
    user.is_active = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return {label: number for label, number in counts.items() if number}


def _forget_sign_in_attempts(*emails: str) -> dict[str, int]:
    """Delete django-axes' records of sign-in attempts made with the client's addresses."""
    counts = {
        model._meta.label: model.objects.filter(username__in=emails).delete()[0]
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    }
    return {label: number for label, number in counts.items() if number}


@transaction.atomic
def erase_client(
    *, request: HttpRequest, organisation: Organisation, client_id: UUID
) -> Erasure | None:
    """Erase the client `client_id` of `organisation`: all or nothing.

    Deletes every row about the client (signed notes included), unlinks clinicians' private
    reflections, clears and deactivates the account, ends its sessions, and records
    `client.erased` with the counts. The audit trail is kept. Returns None when the client
    was already erased (a repeated request changes nothing).
    """
    client = (
        ClientProfile.objects.select_for_update()
        .select_related("organisation")
        .filter(organisation=organisation, public_id=client_id)
        .first()
    )
    if client is None:
        return None
    user = client.user
    counts = record_counts(client)
    counts.pop(ClientProfile._meta.label, None)
    unlinked = Reflection.objects.filter(client=client).update(client=None)
    # The collector deletes dependent rows with plain SQL, so the signed-note guards on
    # TherapySession.delete() (there for everyday editing) do not stop an erasure.
    client.delete()
    counts.update(_forget_sign_in_attempts(client.email, *([user.email] if user else [])))
    if user is not None:
        counts.update(_clear_account(user))
    counts.pop(Reflection._meta.label, None)
    if unlinked:
        counts["therapy_sessions.Reflection (unlinked, kept by its author)"] = unlinked
    record(
        action="client.erased",
        request=request,
        organisation=organisation,
        client=client,
        detail={
            "account": str(user.public_id) if user is not None else "",
            "counts": counts,
            "erased_at": timezone.now().isoformat(),
        },
    )
    return Erasure(client_id=client.public_id, counts=counts)


def was_erased(*, organisation: Organisation, client_id: UUID) -> bool:
    """Return True if the audit trail shows `client_id` of `organisation` was erased."""
    return AuditEvent.objects.filter(
        action="client.erased", organisation_id=organisation.public_id, client_id=client_id
    ).exists()
