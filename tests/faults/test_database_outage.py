"""T37: PostgreSQL cut off or restarted mid-load: calm 503 pages meanwhile, recovery in seconds.

Two outages. The first is made for the test's own database only, so it can run beside other
work on the same PostgreSQL: new connections are refused (`ALLOW_CONNECTIONS false`) and the
open ones are terminated. The second is the real thing: the whole PostgreSQL server is
restarted with `pg_ctlcluster`, so it runs only where that command works (as root on a Debian
machine, as in CI's heavy step) and where nothing else uses the server meanwhile. Either way
persistent connections (`CONN_MAX_AGE`) must be noticed as dead (`CONN_HEALTH_CHECKS`) and
replaced, and no request may see a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from .live import signed_in_client

OUTAGE_SECONDS = 3.0
pytestmark = [
    pytest.mark.faults_heavy,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="a PostgreSQL outage needs the suite on PostgreSQL",
    ),
]


def _admin(database_url: str, *statements: str) -> None:
    import psycopg

    admin_url = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def test_a_database_outage_shows_calm_503s_and_recovers_within_seconds(gunicorn):
    _, server = gunicorn
    database_url = server.env["DATABASE_URL"]
    name = urlsplit(database_url).path.lstrip("/")

    def cut_off() -> None:
        _admin(
            database_url,
            f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false',
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",  # noqa: S608 (our own name)
        )
        time.sleep(OUTAGE_SECONDS)
        _admin(database_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    _load_through(server, cut_off, "T37 outage")


def _cluster() -> tuple[str, str] | None:
    """The local Debian PostgreSQL cluster (version, name), if this machine can restart it."""
    if shutil.which("pg_ctlcluster") is None or os.geteuid() != 0:
        return None
    versions = sorted(Path("/etc/postgresql").glob("*/main"))
    return (versions[-1].parent.name, "main") if versions else None


@pytest.mark.skipif(
    _cluster() is None, reason="restarting PostgreSQL needs pg_ctlcluster, run as root"
)
def test_a_real_postgresql_restart_mid_load_shows_calm_503s_and_recovers(gunicorn):
    _, server = gunicorn
    cluster = _cluster()
    assert cluster is not None
    version, name = cluster

    def restart() -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart", "-m", "fast"],
            check=True,
            capture_output=True,
            timeout=120,
        )

    _load_through(server, restart, "T37 restart")


def _load_through(server, outage: Callable[[], None], label: str) -> None:
    """Log practices from two threads while `outage` runs; check every answer and every write."""
    browser = signed_in_client(server)
    practice_id = server.shell(
        "from tending.practices.models import Practice; "
        "print(Practice.objects.get(key='compassionate-break').public_id)"
    )
    answers: list[tuple[float, int, bytes]] = []
    acknowledged: list[str] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            token = str(uuid.uuid4())
            form = {"token": token, "outcome": "completed", "minutes": "1", "feeling": "settling"}
            status, _, body = browser.request("POST", f"/practices/{practice_id}/log/", form)
            answers.append((time.monotonic(), status, body))
            if status == 302:
                acknowledged.append(token)
            time.sleep(0.05)

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    went = time.monotonic()
    outage()
    back = time.monotonic()
    time.sleep(6)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    during = [(at, status, body) for at, status, body in answers if went < at < back]
    after = [at for at, status, _ in answers if at > back and status == 302]
    recovery = min(after) - back if after else float("inf")
    statuses = sorted({status for _, status, _ in answers})
    print(
        label,
        json.dumps(
            {
                "requests": len(answers),
                "outage seconds": round(back - went, 2),
                "during outage": len(during),
                "503 during outage": sum(1 for _, status, _ in during if status == 503),
                "statuses seen": statuses,
                "recovery seconds": round(recovery, 2),
            }
        ),
    )
    assert any(status == 503 for _, status, _ in during), "the outage was not felt"
    for _, status, body in answers:
        assert status in (302, 503), status
        assert b"Traceback" not in body
        if status == 503:
            assert b"try again" in body
    assert recovery <= 5
    stored = server.shell(
        "import json; from tending.practices.models import PracticeLog; "
        f"print(PracticeLog.objects.filter(token__in={json.dumps(acknowledged)}).count())"
    )
    assert int(stored) == len(acknowledged)
