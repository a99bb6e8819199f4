"""A real Tending for tests that need one: gunicorn on a free port, demo data, its own database.

On SQLite the server has its own file; when the suite runs on PostgreSQL it gets a fresh
PostgreSQL database, dropped afterwards.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

DEMO_PASSWORD = "a calm demo passphrase"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class Server:
    url: str
    mail_dir: Path
    env: dict[str, str]

    def shell(self, code: str) -> str:
        """Run Python in Tending's shell against the server's database; return its output."""
        result = subprocess.run(
            [sys.executable, "-m", "tending", "shell", "--no-imports", "-c", code],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stdout.strip()

    def latest_mail_to(self, address: str) -> str:
        """Return the newest e-mail sent to `address` (file backend), waiting briefly."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            files = sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime)
            for path in reversed(files):
                text = path.read_text()
                if f"To: {address}" in text:
                    return text
            time.sleep(0.1)
        raise AssertionError(f"no e-mail to {address}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server_database(prefix: str = "tending_browser") -> Iterator[str]:
    """Yield a DATABASE_URL for the server: a fresh PostgreSQL database when the suite runs
    on PostgreSQL, otherwise "" (SQLite under the server's own data directory)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield ""
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{prefix}_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with _server_database() as database_url:
        yield from _serve(tmp_path_factory.mktemp("tending-server"), database_url)


def _serve(data_dir: Path, database_url: str) -> Iterator[Server]:
    mail_dir = data_dir / "mail"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENDING_", "DATABASE_URL"))}
    if database_url:
        env["DATABASE_URL"] = database_url
    env |= {
        "TENDING_DATA_DIR": str(data_dir),
        "TENDING_EMAIL_BACKEND": "file",
        "TENDING_EMAIL_FILE_PATH": str(mail_dir),
        "TENDING_DEMO_PASSWORD": DEMO_PASSWORD,
        "TENDING_DEMO_TOTP_SECRET": DEMO_TOTP_SECRET,
    }
    for command in (["migrate", "-v0"], ["demo-data"]):
        subprocess.run(
            [sys.executable, "-m", "tending", *command],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    port = _free_port()
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tending.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/sign-in/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError((data_dir / "server.log").read_text()) from None
            time.sleep(0.2)
    yield Server(url=url, mail_dir=mail_dir, env=env)
    process.terminate()
    process.wait(timeout=10)
    log.close()
