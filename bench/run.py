"""Benchmark the dashboard and progress page against a minimal view and a plain list page.

    python -m bench.run                      # SQLite and PostgreSQL, 500 and 5,000 clients
    python -m bench.run --databases sqlite --sizes 5000 --duration 10

For each database and size: a fresh database, seeded by `bench.seed` (clients spread over
clinicians at 100 each, two years of weekly questionnaires and practice), gunicorn started
as the README recommends for production, a signed-in clinician's session (two-step
verified), then wrk on loopback: 32 connections for throughput and p50/p99 latency, and one
connection for the time a single request takes. The minimal view is measured twice: anonymous
(the framework's ceiling) and signed in (the floor every clinician page pays for the session,
user and two-step checks). Results go to bench/results/*.json and a Markdown table is
printed for bench/README.md. Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_URL = "postgres://postgres@127.0.0.1:5432/tending_bench"
CLIENTS_PER_CLINICIAN = 100


def _env(database: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        TENDING_DATA_DIR=str(data_dir),
        TENDING_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if database == "postgres":
        env["DATABASE_URL"] = PG_URL
    else:
        env.pop("DATABASE_URL", None)
    return env


def _fresh_postgres() -> None:
    for command in (
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "tending_bench"],
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", "tending_bench"],
    ):
        subprocess.run(command, check=True)


SESSION = """
import time
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp import DEVICE_ID_SESSION_KEY
from tending.web.sessions import SESSION_LAST_SEEN, SESSION_STARTED
from tending.accounts.models import User
user = User.objects.get(email="clinician0@bench.example")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = int(time.time())
session.create()
client = user.caseload.order_by("name").first()
# A browser keeps the CSRF cookie the first page set and sends it back, so pages are measured
# as they are served to it, not as first visits that mint and set a new one every time.
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.crypto import get_random_string
cookies = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
cookies += f"{settings.CSRF_COOKIE_NAME}={csrf}"
print(cookies, client.public_id)
"""


def _wrk(url: str, cookie: str, connections: int, duration: int) -> dict[str, float]:
    threads = min(2, connections)
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            *(["-H", f"Cookie: {cookie}"] if cookie else []),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if not match:
            raise RuntimeError(f"wrk printed no {label}% latency:\n{out}")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
        "socket_errors": 1.0 if socket_errors else 0.0,
    }


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "bench.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            # As the README recommends for production: (2 x cores) + 1 sync workers behind a
            # buffering reverse proxy.
            "--workers",
            str(2 * (os.cpu_count() or 2) + 1),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/minimal/", timeout=1)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"gunicorn did not start; see {log}")


def run_one(database: str, clients: int, weeks: int, duration: int, port: int) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"tending-bench-{database}-"))
    env = _env(database, data_dir)
    if database == "postgres":
        _fresh_postgres()
    clinicians = max(1, clients // CLIENTS_PER_CLINICIAN)
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.seed",
            f"--clients={clients}",
            f"--clinicians={clinicians}",
            f"--weeks={weeks}",
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    seeded = time.monotonic() - started
    cookie, client_id = subprocess.run(
        [sys.executable, "-m", "tending", "shell", "--no-imports", "-c", SESSION],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.rsplit(maxsplit=1)
    base = f"http://127.0.0.1:{port}"
    pages = {
        "minimal": f"{base}/bench/minimal/",
        "minimal_signed_in": f"{base}/bench/minimal/",
        "reference": f"{base}/bench/reference/",
        "dashboard": f"{base}/dashboard/",
        "progress": f"{base}/clients/{client_id}/progress/",
    }
    server = _serve(env, port, data_dir / "gunicorn.log")
    try:
        figures: dict[str, dict[str, float]] = {}
        for name, url in pages.items():
            # The minimal view is asked anonymously: the framework's ceiling. The other pages
            # are asked by a signed-in clinician who has passed two-step verification.
            headers = "" if name == "minimal" else cookie
            # Warm every worker: each keeps its own cache and database connection.
            _wrk(url, headers, 32, 3)
            loaded = _wrk(url, headers, 32, duration)
            single = _wrk(url, headers, 1, max(2, duration // 2))
            loaded["single_p50_ms"] = single["p50_ms"]
            loaded["single_rps"] = single["rps"]
            figures[name] = loaded
            print(f"{database} {clients:>5} {name:<10} {loaded}", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if any(page["non_2xx"] or page["socket_errors"] for page in figures.values()):
        RESULTS.mkdir(exist_ok=True)
        kept = RESULTS / f"gunicorn-{database}-{clients}.log"
        shutil.copy(data_dir / "gunicorn.log", kept)
        print(f"errors: the server's log is kept in {kept}", flush=True)
    shutil.rmtree(data_dir, ignore_errors=True)
    return {
        "database": database,
        "clients": clients,
        "clinicians": clinicians,
        "weeks": weeks,
        "seconds_to_seed": round(seeded, 1),
        "pages": figures,
    }


def table(results: list[dict]) -> str:
    lines = [
        "| database | clients | page | req/s (32 conn) | p50 ms | p99 ms "
        "| vs minimal | vs reference | 1-conn ms | errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        pages = result["pages"]
        for name, figures in pages.items():
            lines.append(
                f"| {result['database']} | {result['clients']} | {name} | {figures['rps']:.0f} "
                f"| {figures['p50_ms']:.1f} | {figures['p99_ms']:.1f} "
                f"| {figures['rps'] / pages['minimal']['rps']:.3f} "
                f"| {figures['rps'] / pages['reference']['rps']:.2f} "
                f"| {figures['single_p50_ms']:.2f} "
                f"| {int(figures['non_2xx'] + figures['socket_errors'])} |"
            )
    return "\n".join(lines)


def verdicts(results: list[dict]) -> list[str]:
    """The issue's targets, checked: one line each, "ok" or "MISSED"."""
    lines = []
    for result in results:
        pages, where = result["pages"], f"{result['database']} {result['clients']}"
        for name in ("dashboard", "progress"):
            p99 = pages[name]["p99_ms"]
            lines.append(
                f"{'ok' if p99 <= 150 else 'MISSED'}: {where} {name} p99 {p99:.1f} ms <= 150"
            )
            errors = pages[name]["non_2xx"] + pages[name]["socket_errors"]
            lines.append(f"{'ok' if not errors else 'MISSED'}: {where} {name} without errors")
        ratio = pages["dashboard"]["rps"] / pages["reference"]["rps"]
        mark = "ok" if ratio >= 1 else "MISSED"
        lines.append(f"{mark}: {where} dashboard/reference throughput {ratio:.2f} >= 1")
    by_db: dict[str, list[dict]] = {}
    for result in results:
        by_db.setdefault(result["database"], []).append(result)
    for database, runs in by_db.items():
        if len(runs) < 2:
            continue
        small, large = min(runs, key=lambda r: r["clients"]), max(runs, key=lambda r: r["clients"])
        for name in ("dashboard", "progress"):
            growth = large["pages"][name]["single_p50_ms"] / small["pages"][name]["single_p50_ms"]
            lines.append(
                f"{'ok' if growth <= 1.25 else 'MISSED'}: {database} {name} time per request "
                f"{small['clients']}->{large['clients']} clients grew {growth:.2f}x <= 1.25"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--output", default="", help="file name under bench/results/")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a quick run that fails only on server errors (used by CI so this cannot rot)",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print(
            "bench: wrk is not installed; install it with: apt-get install -y wrk", file=sys.stderr
        )
        return 2
    results = [
        run_one(database, int(size), args.weeks, args.duration, args.port)
        for database in args.databases.split(",")
        for size in args.sizes.split(",")
    ]
    RESULTS.mkdir(exist_ok=True)
    name = args.output or f"{'-'.join(args.databases.split(','))}.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(table(results))
    print()
    lines = verdicts(results)
    print("\n".join(lines))
    if args.smoke:
        lines = [line for line in lines if "without errors" in line]
    return 1 if any(line.startswith("MISSED") for line in lines) else 0


if __name__ == "__main__":
    raise SystemExit(main())
