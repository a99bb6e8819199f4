"""Revisions and the in-process caches kept under them: the one place that says when a
cached page may be reused.

Each client has a revision number, and so has each clinician's caseload. The services that
write something the dashboard, the progress page or the staff risk banner shows move them
explicitly, in their own transaction, as they write their audit event (`client_changed`,
`caseload_changed`, `organisation_changed`); nothing is moved by signals, which
`QuerySet.update()` and `bulk_create()` would skip. A page kept under a revision is therefore
never served once what it shows has changed. `tests/test_write_paths.py` walks every write
path and fails if its revision does not move.

The caches themselves live in this process (`Store`): a shared cache would have to unpickle a
hundred dashboard rows on every request. Their keys carry the revision, so a process that
missed nothing never serves stale rows, and entries also expire after `CACHE_SECONDS`, the
most that this week's adherence may drift (a homework window closing is not a write).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.expressions import BaseExpression

from tending.fastsql import Precompiled
from tending.revisions.models import CaseloadRevision, ClientRevision

CACHE_SECONDS = 120
T = TypeVar("T")


class OnCaseload(Protocol):
    pk: Any
    primary_clinician_id: Any


def client_changed(client: OnCaseload, *, previous_clinician_id: int | None = None) -> None:
    """Something shown about `client` changed: their pages and their clinician's caseload
    (and a previous clinician's, when the client has just moved) are stale."""
    _bump(ClientRevision, client.pk)
    caseload_changed(client.primary_clinician_id)
    if previous_clinician_id not in (None, client.primary_clinician_id):
        caseload_changed(previous_clinician_id)


def caseload_changed(clinician_id: int | None) -> None:
    """The caseload of `clinician_id` changed as a whole (a client added or removed)."""
    if clinician_id is not None:
        _bump(CaseloadRevision, clinician_id)


def organisation_changed(organisation_id: int) -> None:
    """Something every caseload of an organisation shows changed (a questionnaire's wording
    imported or removed changes which homework can be answered online)."""
    from django.contrib.auth import get_user_model

    clinicians = get_user_model()._default_manager.filter(
        membership__organisation_id=organisation_id
    )
    for clinician_id in clinicians.values_list("pk", flat=True):
        caseload_changed(clinician_id)


def everything_changed() -> None:
    """Every client's and every clinician's revision moves (after loading demo data, written
    without the services, into a database that a running server may have cached)."""
    from django.apps import apps

    clients = list(
        apps.get_model("accounts", "ClientProfile")._default_manager.values_list(
            "pk", "primary_clinician_id"
        )
    )
    for client_id, _ in clients:
        _bump(ClientRevision, client_id)
    for clinician_id in {clinician_id for _, clinician_id in clients}:
        caseload_changed(clinician_id)


def _bump(model: type[models.Model], key: int) -> None:
    if model._default_manager.filter(pk=key).update(number=F("number") + 1):
        return
    try:
        with transaction.atomic():
            model._default_manager.create(pk=key, number=1)
    except IntegrityError:  # created meanwhile by another writer
        model._default_manager.filter(pk=key).update(number=F("number") + 1)


_CASELOAD_NUMBER: Precompiled[Any] = Precompiled(
    lambda clinician: CaseloadRevision.objects.filter(pk=clinician).values_list("number"),
    clinician=int,
)


def caseload_number(clinician_id: int) -> int:
    """The caseload revision of `clinician_id` (0 before the first change), read on every
    dashboard request."""
    rows = _CASELOAD_NUMBER.rows(clinician=clinician_id)
    return int(rows[0][0]) if rows else 0


# Read in the query that loads a client for a clinician (`get_client_for_user(...,
# annotations=REVISIONS)`): the client's revision and their clinician's caseload revision,
# None before the first change.
REVISIONS: dict[str, BaseExpression] = {
    "client_revision": Subquery(
        ClientRevision.objects.filter(client=OuterRef("pk")).values("number")
    ),
    "caseload_revision": Subquery(
        CaseloadRevision.objects.filter(clinician=OuterRef("primary_clinician")).values("number")
    ),
}


def caseload_key(clinician: str, revision: int, now: datetime) -> str:
    """The key for what is kept of a caseload: the clinician's public id (row ids can be
    reused after a delete, UUIDs not), its revision and the day."""
    return f"{clinician}:{revision}:{now.astimezone(UTC).date().isoformat()}"


class Store(Generic[T]):
    """Values kept in this process under revision-carrying keys, each for CACHE_SECONDS; the
    most recent `limit` keys are kept."""

    def __init__(self, limit: int = 200) -> None:
        self._held: OrderedDict[str, tuple[datetime, T]] = OrderedDict()
        self._limit = limit
        _stores.append(self)

    def get(self, key: str, now: datetime) -> T | None:
        held = self._held.get(key)
        return held[1] if held is not None and held[0] > now else None

    def held(self, key: str, now: datetime, make: Callable[[], T]) -> T:
        """The value under `key` while it is fresh, else `make()`, kept."""
        value = self.get(key, now)
        if value is not None:
            return value
        value = make()
        self._held[key] = (now + timedelta(seconds=CACHE_SECONDS), value)
        self._held.move_to_end(key)
        while len(self._held) > self._limit:
            self._held.popitem(last=False)
        return value

    def clear(self) -> None:
        self._held.clear()


_stores: list[Store[Any]] = []

# The dashboard's computed rows, and the staff banner alone for report pages other than it.
DASHBOARD_ROWS: Store[list[Any]] = Store()
BANNERS: Store[list[Any]] = Store()


def clear_caches() -> None:
    """Forget everything kept in this process (tests start from nothing)."""
    for store in _stores:
        store.clear()
