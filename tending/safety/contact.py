"""Saving a client's contact details: once per form, never over someone else's newer save,
audited in the same transaction (identifiers and field names only, never the values)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from django.db import transaction
from django.http import HttpRequest

from tending.accounts.client_rows import locked_client_row
from tending.accounts.models import ClientProfile, User
from tending.audit.services import record
from tending.safety.models import CONTACT_FIELDS, ContactDetails


@dataclass(frozen=True)
class Saved:
    details: ContactDetails
    outcome: Literal["saved", "unchanged", "replayed"]


class StaleEdit(Exception):
    """Someone saved the details after this form was opened; `latest` is what they saved."""

    def __init__(self, latest: ContactDetails) -> None:
        super().__init__(f"version {latest.version} was saved after this form was opened")
        self.latest = latest


@transaction.atomic
def save_contact_details(
    *,
    request: HttpRequest,
    client: ClientProfile,
    editor: User,
    based_on: int,
    token: UUID,
    values: dict[str, str],
) -> Saved:
    """Store `values` (phone numbers already E.164) as the client's contact details, once.

    The token of the last save again is a repeat of it: nothing changes. A form opened at
    an older version than the stored one raises StaleEdit and stores nothing, so nobody's
    change is overwritten unseen. Values equal to the stored ones save nothing.
    """
    details = locked_client_row(ContactDetails, client)
    if details.token == token:
        return Saved(details, "replayed")
    if based_on != details.version:
        raise StaleEdit(details)
    values = {name: values.get(name, "") for name in CONTACT_FIELDS}
    changed = [name for name in CONTACT_FIELDS if getattr(details, name) != values[name]]
    if not changed:
        return Saved(details, "unchanged")
    for name in changed:
        setattr(details, name, values[name])
    details.version += 1
    details.token = token
    details.updated_by = editor
    details.save()
    record(
        action="contact_details.saved",
        request=request,
        actor=editor,
        client=client,
        target=details,
        detail={"version": details.version, "changed": changed, "by": editor.audit_role},
    )
    return Saved(details, "saved")
