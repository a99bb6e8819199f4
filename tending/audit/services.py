"""The single way to write to the audit trail.

How durable an event is follows what it records:

- An event written inside a transaction (every change: a questionnaire, a note, an erasure)
  commits with that change, with the database's full durability (SQLite `synchronous=FULL`,
  PostgreSQL's synchronous commit): once the person is told it is saved, it is on disk.
- An event that commits on its own records a look, not a change: a page or an export viewed,
  a denied request, a sign-in. It is committed before the page is sent, so no crash of
  Tending loses it, but it is not forced to disk by itself: SQLite writes it with
  `synchronous=NORMAL`, flushed by the next change or checkpoint, and PostgreSQL with
  `synchronous_commit = off`, flushed by the WAL writer within a fraction of a second. Only a
  power cut or an operating-system crash in that moment could lose such an event, never a
  change. Forcing every page view to disk on its own queued every page behind a disk flush
  (hazard H-022 and bench/README.md record the trade and its measurement).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol
from uuid import UUID

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
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
    connection = connections[router.db_for_write(AuditEvent)]
    if connection.in_atomic_block:
        insert(event)  # commits, durably, with the change it describes
    elif connection.vendor == "postgresql":
        insert(event, flush_later=True)
    else:
        with _flushed_soon(connection):
            insert(event)
    return event


@contextmanager
def _flushed_soon(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """On SQLite, commit what runs inside without waiting for the disk (see the docstring)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        level = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA synchronous = NORMAL")
        try:
            yield
        finally:
            # Back to the connection's own level (FULL) for the next change.
            cursor.execute(f"PRAGMA synchronous = {level:d}")
