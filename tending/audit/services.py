"""The single way to write to the audit trail."""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from django.http import HttpRequest

from tending.audit.middleware import current_request_id
from tending.audit.models import AuditEvent
from tending.audit.network import client_ip
from tending.fastsql import insert


class HasPublicId(Protocol):
    public_id: UUID


def record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: Any = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    organisation: HasPublicId | None = None,
    client: HasPublicId | None = None,
    target: HasPublicId | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event and return it.

    Call it inside the same `transaction.atomic()` block as the change it describes, so the
    event and the change commit or roll back together. `actor` defaults to the request's
    signed-in user. Pass identifiers in `detail`, never clinical text or secrets.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if organisation is None and client is not None:
        organisation = getattr(client, "organisation", None)
    event = AuditEvent(
        action=action,
        outcome=outcome,
        actor_id=getattr(actor, "public_id", None),
        actor_role=getattr(actor, "audit_role", "") if actor is not None else "",
        organisation_id=organisation.public_id if organisation is not None else None,
        client_id=client.public_id if client is not None else None,
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(target.public_id) if target is not None else "",
        ip_address=(client_ip(request) or None) if request is not None else None,
        user_agent=request.headers.get("User-Agent", "")[:200] if request is not None else "",
        request_id=current_request_id.get() if request is not None else "",
        detail=detail or {},
    )
    # Every clinical page writes one: a plain INSERT built once (tending/fastsql.py).
    insert(event)
    return event
