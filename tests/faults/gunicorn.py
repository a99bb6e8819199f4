"""Tending under its own gunicorn, on its own database, which a fault test may kill or cut off."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    Server,
    _free_port,
    _server_database,
)


class Gunicorn:
    def __init__(
        self, env: dict[str, str], log_path: Path, extra_args: tuple[str, ...] = ()
    ) -> None:
        self.env, self.log_path, self.extra_args = env, log_path, extra_args
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Start the server; return the seconds until it answered."""
        began = time.monotonic()
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tending.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "2",
                *self.extra_args,
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        while True:
            try:
                with urllib.request.urlopen(self.url + "/sign-in/", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return time.monotonic() - began
            except OSError:
                if time.monotonic() - began > 60 or self.process.poll() is not None:
                    raise RuntimeError(self.log_path.read_text()) from None
                time.sleep(0.1)

    def kill_all(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def kill_a_worker(self) -> None:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        workers = children.read_text().split()
        if workers:
            os.kill(int(random.choice(workers)), signal.SIGKILL)  # noqa: S311


def own_gunicorn(tmp_path: Path, data_dir: Path | None = None) -> Iterator[tuple[Gunicorn, Server]]:
    """Serve Tending with its data in `data_dir` (default `tmp_path`), its log in `tmp_path`."""
    data_dir = data_dir or tmp_path
    with _server_database("tending_faults") as database_url:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("TENDING_", "DATABASE_URL"))
        }
        if database_url:
            env["DATABASE_URL"] = database_url
        env |= {
            "TENDING_DATA_DIR": str(data_dir),
            "TENDING_EMAIL_BACKEND": "file",
            "TENDING_EMAIL_FILE_PATH": str(tmp_path / "mail"),
            "TENDING_DEMO_PASSWORD": DEMO_PASSWORD,
            "TENDING_DEMO_TOTP_SECRET": DEMO_TOTP_SECRET,
        }
        for command in (["migrate", "-v0"], ["demo-data"]):
            subprocess.run(
                [sys.executable, "-m", "tending", *command],
                env=env,
                check=True,
                capture_output=True,
                timeout=180,
            )
        server = Gunicorn(env, tmp_path / "server.log")
        server.start()
        try:
            yield server, Server(url=server.url, mail_dir=tmp_path / "mail", env=env)
        finally:
            if server.process and server.process.poll() is None:
                server.kill_all()
