"""Kept PostgreSQL connections: checked without a round trip while busy, and still replaced
when the server has ended them (tending/postgresql/base.py).

Each test drives a connection of its own, outside the test's transaction, and watches it from
the server's side: pg_stat_activity shows the last statement each server process ran.
"""

from __future__ import annotations

import select
import time

import pytest
from django.db import connection, connections

from tending.postgresql.base import QUIET_CHECK_SECONDS

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the check belongs to the PostgreSQL backend"
)


@pytest.fixture
def kept(db):
    """A kept connection as a web worker holds it, after one request's work."""
    wrapper = connections.create_connection("default")
    assert wrapper.health_check_enabled is False  # type: ignore[attr-defined]  # set on connecting
    wrapper.ensure_connection()
    assert wrapper.health_check_enabled is True  # type: ignore[attr-defined]
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 'the last request'")
    yield wrapper
    wrapper.close()


def _next_request(wrapper) -> None:
    """What Django does between requests, then the next request's first query."""
    wrapper.close_if_unusable_or_obsolete()
    assert wrapper.health_check_done is False
    wrapper.close_if_health_check_failed()


def _last_statement(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row[0] if row else ""


def test_a_connection_used_a_moment_ago_is_confirmed_without_a_round_trip(kept):
    pid = kept.connection.info.backend_pid
    _next_request(kept)
    assert kept.connection is not None and kept.connection.info.backend_pid == pid
    assert _last_statement(pid) == "SELECT 'the last request'"  # no SELECT 1 was sent


def test_a_connection_idle_for_a_while_gets_the_full_check(kept):
    pid = kept.connection.info.backend_pid
    kept._checked_at = time.monotonic() - QUIET_CHECK_SECONDS - 1
    _next_request(kept)
    assert kept.connection.info.backend_pid == pid
    assert _last_statement(pid) == "SELECT 1"


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(kept):
    pid = kept.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server says goodbye on the socket before closing it; wait until it has arrived.
    readable, _, _ = select.select([kept.connection.pgconn.socket], [], [], 5)
    assert readable
    _next_request(kept)
    with kept.cursor() as cursor:  # no error: a fresh connection
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
