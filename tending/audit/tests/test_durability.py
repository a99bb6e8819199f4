"""A look is audited before the page is sent; a change is audited with full durability.

See the docstring of tending/audit/services.py: an audit event that commits on its own (a page
viewed) is committed at once but not forced to disk by itself, while an event written inside a
change's transaction keeps the database's full durability. These tests hold both halves, on
the database the suite runs on.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from tending.audit.models import AuditEvent
from tending.audit.services import record
from tending.testing.personas import build_world


def _durability() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous")
            return {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[cursor.fetchone()[0]]
        cursor.execute("SHOW synchronous_commit")
        return str(cursor.fetchone()[0])


def _seen_from_another_connection(public_id) -> bool:
    seen: list[bool] = []

    def look() -> None:
        try:
            seen.append(AuditEvent.objects.filter(public_id=public_id).exists())
        finally:
            connection.close()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join()
    return seen[0]


def test_a_page_view_is_committed_at_once_and_changes_stay_fully_durable(committed, rf):
    world = build_world()
    full = "FULL" if connection.vendor == "sqlite" else "on"
    assert _durability() == full

    request = rf.get("/")
    request.user = world.clinician_a
    viewed = record(action="client.progress_viewed", request=request, client=world.client_a)
    # Committed before the page would be sent: another connection already sees it.
    assert _seen_from_another_connection(viewed.public_id)
    # And the connection is back at full durability for whatever change comes next.
    assert _durability() == full

    with transaction.atomic():
        changed = record(action="journal.entry_saved", request=request, client=world.client_a)
        assert _durability() == full  # inside a change: nothing is relaxed
    assert _seen_from_another_connection(changed.public_id)
    assert _durability() == full


def _wal_syncs() -> int:
    time.sleep(1.5)  # backends report their statistics at most once a second, when idle
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT wal_sync FROM pg_stat_wal")
        return int(cursor.fetchone()[0])


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_stat_wal counts PostgreSQL's own disk flushes"
)
def test_on_postgresql_page_views_do_not_each_wait_for_a_disk_flush_and_changes_do(committed, rf):
    world = build_world()
    request = rf.get("/")
    request.user = world.clinician_a

    # pg_stat_wal counts the whole cluster's flushes, so other work (the other test worker)
    # can only add to the count: the least of three tries is the page views' own.
    tries = []
    for _ in range(3):
        before = _wal_syncs()
        for _ in range(40):
            record(action="client.progress_viewed", request=request, client=world.client_a)
        tries.append(_wal_syncs() - before)
        if tries[-1] < 20:
            break
    views = min(tries)

    before = _wal_syncs()
    for _ in range(40):
        with transaction.atomic():
            record(action="journal.entry_saved", request=request, client=world.client_a)
    changes = _wal_syncs() - before

    assert changes >= 40  # each change was on disk before it was acknowledged
    assert views < 20  # the WAL writer flushed page views in batches
