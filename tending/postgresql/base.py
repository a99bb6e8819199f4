"""Django's PostgreSQL backend, with a cheaper per-request health check for kept connections.

With persistent connections and `CONN_HEALTH_CHECKS`, Django confirms the connection at the
start of every request with `SELECT 1`: a round trip to the server before any real work. On
this project's benchmark machine that was about a tenth of a busy clinical page's time.

Here a connection that was checked less than `QUIET_CHECK_SECONDS` ago is confirmed by
looking at its socket instead. An idle connection has nothing to read: the server only writes
to it unprompted when it is going away (a restart, a shutdown or an administrator ending the
session sends a last message and closes the socket). So an unreadable socket, a libpq status
of OK and no transaction in progress mean the connection is as good as it was a moment ago,
and anything else falls back to Django's `SELECT 1`. A connection that has waited longer gets
the full check, since the network can drop a connection silently. After a database error
Django's own check runs as before (`close_if_unusable_or_obsolete`).
"""

from __future__ import annotations

import select
import time
from typing import Any

from django.db.backends.postgresql import base
from psycopg import pq

QUIET_CHECK_SECONDS = 1.0


def socket_is_quiet(connection: object) -> bool:
    """True if the psycopg connection is open, idle and has nothing waiting to be read."""
    pgconn = connection.pgconn  # type: ignore[attr-defined]
    if pgconn.status != pq.ConnStatus.OK or pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return False
    try:
        readable, _, _ = select.select([pgconn.socket], [], [], 0)
    except (OSError, ValueError):  # closed or invalid socket
        return False
    return not readable


class DatabaseWrapper(base.DatabaseWrapper):
    # Django's own attributes, which its type stubs leave out.
    health_check_enabled: bool
    health_check_done: bool
    pool: Any
    _checked_at: float | None = None

    def connect(self) -> None:
        super().connect()
        self._checked_at = time.monotonic()

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
        ):
            now = time.monotonic()
            recent = self._checked_at is not None and now - self._checked_at < QUIET_CHECK_SECONDS
            self._checked_at = now
            if recent and socket_is_quiet(self.connection):
                self.health_check_done = True
                return
        super().close_if_health_check_failed()
