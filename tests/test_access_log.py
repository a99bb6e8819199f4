"""Invitation and reset tokens never reach gunicorn's access log (ASVS 16.2.5; plan T22).

The README's gunicorn command loads `tending.gunicorn_logging`, whose logger passes every value
of an access-log line through the same redaction as Django's logs. This runs the real server
with that configuration and an access log, opens both kinds of link, and reads the log.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.faults.gunicorn import Gunicorn

INVITATION_TOKEN = "Zq8v1-invitation-token-AbCdEfGh"
RESET_TOKEN = "cm0qa1-4b2f9e0c1d7a8b6e5f4a3c2d1e0f9a8b"


def test_the_access_log_records_requests_without_their_tokens(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENDING_", "DATABASE_URL"))}
    env |= {"TENDING_DATA_DIR": str(tmp_path), "TENDING_EMAIL_BACKEND": "memory"}
    subprocess.run(
        [sys.executable, "-m", "tending", "migrate", "-v0"],
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    access_log = tmp_path / "access.log"
    server = Gunicorn(
        env,
        tmp_path / "server.log",
        ("-c", "python:tending.gunicorn_logging", "--access-logfile", str(access_log)),
    )
    server.start()
    try:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        for path in (
            f"/invitations/{INVITATION_TOKEN}/",
            f"/password-reset/MQ/{RESET_TOKEN}/",
            "/sign-in/?next=/today/",
        ):
            request = urllib.request.Request(  # noqa: S310 (loopback, our own server)
                server.url + path, headers={"Referer": server.url + path}
            )
            # An unknown token answers 404; the line is logged all the same.
            with contextlib.suppress(urllib.error.HTTPError):
                opener.open(request, timeout=10).read()
    finally:
        # Stopped gently, so each worker writes its last access-log line before it exits.
        assert server.process is not None
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=30)

    log = access_log.read_text()
    assert INVITATION_TOKEN not in log
    assert RESET_TOKEN not in log
    # The requests are still there to read, with the secret part marked, and other paths whole.
    assert '"GET /invitations/[redacted]/ HTTP/1.1"' in log
    assert '"GET /password-reset/MQ/[redacted]/ HTTP/1.1"' in log
    assert '"GET /invitations/accept/ HTTP/1.1"' in log
    assert '"GET /sign-in/?next=/today/ HTTP/1.1"' in log
