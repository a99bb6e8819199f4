"""A real Tending (gunicorn, SQLite, demo data) driven by Debian's Chromium through Playwright.

Without Chromium or axe-core the browser tests skip and say why; with
TENDING_REQUIRE_BROWSER=1 (as CI sets) a missing piece fails the run instead.
"""

from __future__ import annotations

import json
import os
import re
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

CHROMIUM = Path(os.environ.get("TENDING_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "a calm demo passphrase"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _missing(what: str) -> None:
    message = f"browser tests need {what}"
    if os.environ.get("TENDING_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Server:
    url: str
    mail_dir: Path

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
def _server_database() -> Iterator[str]:
    """Yield a DATABASE_URL for the server: a fresh PostgreSQL database when the suite runs
    on PostgreSQL, otherwise "" (SQLite under the server's own data directory)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield ""
        return
    import psycopg

    parts = urlsplit(url)
    name = f"tending_browser_{os.getpid()}"
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
    yield Server(url=url, mail_dir=mail_dir)
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        _missing(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package (make test installs it)")
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        _missing("axe-core from npm (make test runs npm ci)")
    return AXE.read_text()


@pytest.fixture
def check_accessibility(axe_source: str):
    """Run axe-core on the page as it is now; fail on any serious or critical violation."""

    def check(page) -> None:
        # evaluate() runs outside the page's CSP, so the strict policy stays on for the app.
        page.evaluate(axe_source)
        result = page.evaluate(
            """() => axe.run(document, {
                   runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                   "wcag22aa", "best-practice"]}
               }).then(r => r.violations.map(v => ({
                   id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)})))"""
        )
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{page.url}: {json.dumps(serious, indent=2)}"
        shots = os.environ.get("TENDING_SCREENSHOTS")
        if shots:
            name = re.sub(r"[^a-z0-9]+", "-", page.url.split("//", 1)[1].lower()).strip("-")
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=f"{shots}/{name}-{page.viewport_size['width']}.png", full_page=True
            )

    return check


@pytest.fixture
def new_page(browser, server):
    """Open pages in fresh browser contexts: `new_page(mobile=True, dark=True)`."""
    contexts = []

    def open_page(*, mobile: bool = False, dark: bool = False):
        context = browser.new_context(
            viewport={"width": 360, "height": 740} if mobile else {"width": 1280, "height": 800},
            color_scheme="dark" if dark else "light",
            base_url=server.url,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        # Script errors and CSP violations; a 4xx answer to a form is expected, not an error.
        errors: list[str] = []
        page.on(
            "console",
            lambda m: (
                errors.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.console_errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()
