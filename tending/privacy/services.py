"""Data-subject rights: a complete export of a client's records, and erasure.

See docs/data-subject-rights.md for who may do what, what erasure keeps and why.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import datetime
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
from tending.privacy import ledger, linked
from tending.privacy.export import SCHEMA_VERSION, build_export
from tending.revisions import services as revisions
from tending.therapy_sessions.models import Reflection

logger = logging.getLogger(__name__)

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


def _delete_client(client: ClientProfile) -> dict[str, int]:
    """Delete every row about `client`, clear their account, and return the counts removed."""
    user = client.user
    counts = record_counts(client)
    counts.pop(ClientProfile._meta.label, None)
    unlinked = Reflection.objects.filter(client=client).update(client=None)
    # The collector deletes dependent rows with plain SQL, so the signed-note guards on
    # TherapySession.delete() (there for everyday editing) do not stop an erasure.
    client.delete()
    revisions.caseload_changed(client.primary_clinician_id)  # one client fewer on it
    counts.update(_forget_sign_in_attempts(client.email, *([user.email] if user else [])))
    if user is not None:
        counts.update(_clear_account(user))
    counts.pop(Reflection._meta.label, None)
    if unlinked:
        counts["therapy_sessions.Reflection (unlinked, kept by its author)"] = unlinked
    return counts


def _locked_client(**lookup: object) -> ClientProfile | None:
    return (
        ClientProfile.objects.select_for_update()
        .select_related("organisation")
        .filter(**lookup)
        .first()
    )


@transaction.atomic
def erase_client(
    *, request: HttpRequest, organisation: Organisation, client_id: UUID
) -> Erasure | None:
    """Erase the client `client_id` of `organisation`: all or nothing.

    Deletes every row about the client (signed notes included), unlinks clinicians' private
    reflections, clears and deactivates the account, ends its sessions, and records
    `client.erased` with the counts. The audit trail is kept. Once the transaction commits,
    the erasure is added to the erasure ledger, so a later restore erases the client again.
    Returns None when the client was already erased (a repeated request changes nothing).
    """
    client = _locked_client(organisation=organisation, public_id=client_id)
    if client is None:
        return None
    user = client.user
    counts = _delete_client(client)
    event = record(
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
    entry = ledger.Entry(
        client=client.public_id,
        organisation=organisation.public_id,
        erased_at=event.occurred_at,
        audit_event=event.public_id,
    )
    # After the commit, never before: a ledger line for an erasure that then rolled back
    # would erase the client at the next restore although the admin saw it fail.
    transaction.on_commit(lambda: _add_to_ledger(entry))
    return Erasure(client_id=client.public_id, counts=counts)


def _ledger_entry(event: AuditEvent) -> ledger.Entry | None:
    """Return the ledger entry for a `client.erased` event, or for the erasure a
    `client.erasure_reapplied` event re-applied (which it names)."""
    if event.client_id is None or event.organisation_id is None:
        return None
    if event.action == "client.erased":
        return ledger.Entry(
            client=event.client_id,
            organisation=event.organisation_id,
            erased_at=event.occurred_at,
            audit_event=event.public_id,
        )
    return ledger.Entry(
        client=event.client_id,
        organisation=event.organisation_id,
        erased_at=datetime.fromisoformat(event.detail["erased_at"]),
        audit_event=UUID(event.detail["erasure"]),
    )


def _add_to_ledger(entry: ledger.Entry) -> None:
    try:
        ledger.append(entry)
    except OSError:
        # The erasure stands and its audit event says so; `tending check` reports the
        # missing line and `tending reapply-erasures` adds it from the audit trail.
        logger.exception("Could not add erasure %s to the erasure ledger.", entry.audit_event)


@dataclass(frozen=True)
class Reapplication:
    """What `reapply_erasures` found and did."""

    ledger_found: bool
    ledger_entries: int
    reapplied: int
    recorded_in_database: int
    added_to_ledger: int

    @property
    def ledger_lost(self) -> bool:
        """True when there is no ledger although the database records erasures."""
        return not self.ledger_found and not self.added_to_ledger and self.recorded_in_database > 0

    def describe(self) -> str:
        """Return one line for the operator saying what was done."""
        if not self.ledger_found and not self.added_to_ledger:
            return f"There is no erasure ledger at {ledger.path()}, so no erasure was re-applied."
        return (
            f"Re-applied {self.reapplied} erasure(s) from the erasure ledger at {ledger.path()} "
            f"({self.ledger_entries} in it, {self.added_to_ledger} added from the audit trail)."
        )

    def lost_ledger_advice(self) -> str:
        return (
            f"There is no erasure ledger at {ledger.path()}, but the database records "
            f"{self.recorded_in_database} erasure(s), so clients erased since may be back. Copy "
            "the ledger back from where you keep it with the keys and run `tending "
            "reapply-erasures`. If it is lost for good, `tending reapply-erasures "
            "--rebuild-ledger` starts a new one from the database's audit trail; then check your "
            "own records for erasures made after the backup that was restored."
        )


def recorded_erasures() -> list[ledger.Entry]:
    """Return the erasures this database's own audit trail records, as ledger entries."""
    events = AuditEvent.objects.filter(
        action__in=["client.erased", "client.erasure_reapplied"]
    ).order_by("occurred_at", "id")
    entries: dict[UUID, ledger.Entry] = {}
    for event in events:
        entry = _ledger_entry(event)
        if entry is not None:
            entries.setdefault(entry.audit_event, entry)
    return list(entries.values())


def clients_still_present(entries: list[ledger.Entry]) -> list[UUID]:
    """Return the public ids of clients in `entries` that this database still holds."""
    wanted = {entry.client for entry in entries}
    if not wanted:
        return []
    return list(
        ClientProfile.objects.filter(public_id__in=wanted).values_list("public_id", flat=True)
    )


def reapply_erasures(*, via: str, rebuild_ledger: bool = False) -> Reapplication:
    """Erase again every client the erasure ledger names who is in this database.

    Erasures the audit trail records but the ledger lacks are first added to it (the ledger
    only grows). Without a ledger file nothing is changed unless `rebuild_ledger`, which starts
    one from the audit trail. Each client erased again gets a `client.erasure_reapplied` audit
    event naming the original erasure; a second run finds nobody and changes nothing.
    """
    entries = ledger.read()
    recorded = recorded_erasures()
    found = entries is not None
    if entries is None and not rebuild_ledger:
        return Reapplication(False, 0, 0, len(recorded), 0)
    known = {entry.audit_event for entry in entries or []}
    missing = [entry for entry in recorded if entry.audit_event not in known]
    for entry in missing:
        ledger.append(entry)
    entries = [*(entries or []), *missing]
    reapplied = sum(_reapply(entry, via=via) for entry in entries)
    return Reapplication(found, len(entries), reapplied, len(recorded), len(missing))


@transaction.atomic
def _reapply(entry: ledger.Entry, *, via: str) -> bool:
    client = _locked_client(public_id=entry.client)
    if client is None:
        return False
    user = client.user
    counts = _delete_client(client)
    record(
        action="client.erasure_reapplied",
        client=client,
        detail={
            "account": str(user.public_id) if user is not None else "",
            "counts": counts,
            "erasure": str(entry.audit_event),
            "erased_at": entry.erased_at.isoformat(),
            "via": via,
        },
    )
    return True


def was_erased(*, organisation: Organisation, client_id: UUID) -> bool:
    """Return True if the audit trail shows `client_id` of `organisation` was erased."""
    return AuditEvent.objects.filter(
        action__in=["client.erased", "client.erasure_reapplied"],
        organisation_id=organisation.public_id,
        client_id=client_id,
    ).exists()
