"""Black-box scans of a running Tending: wapiti (crawl and attack) and sqlmap (SQL injection).

    make scan-tools                          # once: wapiti and sqlmap into .venv-scan
    .venv/bin/python -m bench.scan           # the full scan (in `make verify`), about 40 minutes
    .venv/bin/python -m bench.scan --quick   # what CI runs: a few minutes

A fresh SQLite database with the demo data; gunicorn on 127.0.0.1 (2 workers) with
bench/scan_settings.py (Tending's settings with throttles raised, so the scanners exercise the
views rather than the 429 page); signed-in sessions made directly in the database for a
clinician (two-step passed), a client and an organisation admin. Then:

- wapiti crawls and attacks as the clinician and as the client, with its modules that need no
  outside server, loopback only, never the sign-out, password, two-step or invitation pages
  (they would end the scanner's session);
- sqlmap tests representative query parameters and forms (level and risk below), with the
  CSRF token fetched fresh for each form post.

Reports go to reports/scan/ (not committed) with a summary in summary.json and summary.md.
Exit status 1 when a finding is not in ACCEPTED (each with its reason), when the server
answered 500, or when sqlmap found an injectable parameter.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports" / "scan"
TOOLS = ROOT / ".venv-scan" / "bin"
# The scanned database is a throwaway copy of the demo data, deleted after the scan.
DEMO_PASSWORD = "a calm demo passphrase 42"  # noqa: S105
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
CSRF_CHARS = string.ascii_letters + string.digits
PEOPLE = {
    "clinician": "asha@riverside.example",
    "client": "sam@clients.riverside.example",
    "admin": "morgan@riverside.example",
}
# Pages that would end the scanner's session or change its credentials.
EXCLUDED = ["/sign-out/", "/account/password/", "/account/two-step/*", "/invitations/*"]
# wapiti modules that need no server outside this machine (ssrf, xxe, log4shell, wapp, nikto
# and takeover do; ssl needs TLS, which gunicorn on loopback does not speak).
WAPITI_FULL = [
    "backup",
    "cookieflags",
    "crlf",
    "csp",
    "csrf",
    "exec",
    "file",
    "htaccess",
    "http_headers",
    "methods",
    "permanentxss",
    "redirect",
    "sql",
    "timesql",
    "upload",
    "xss",
]
WAPITI_QUICK = ["cookieflags", "csp", "csrf", "http_headers", "redirect", "sql", "xss"]
# wapiti findings reviewed and accepted: (category, path pattern) -> reason.
ACCEPTED: dict[tuple[str, str], str] = {
    ("Secure Flag cookie", ".*"): "the scan runs over plain HTTP on loopback with development "
    "settings; production marks both cookies Secure with the __Host- prefix "
    "(tests/test_configuration.py)",
}

SESSIONS = """
import time
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from tending.web.sessions import SESSION_LAST_SEEN, SESSION_STARTED
from tending.accounts.models import ClientProfile, User
sessions = {}
for role, email in PEOPLE.items():
    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = int(time.time())
    session.create()
    sessions[role] = session.session_key
client = ClientProfile.objects.get(user__email=PEOPLE["client"])
print(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "sessions": sessions,
                  "csrf_cookie": settings.CSRF_COOKIE_NAME, "client_id": str(client.public_id)}))
"""


@dataclass
class Target:
    """One sqlmap run as one person: a URL's query string, or a form's fields.

    A form is posted to `path` with `data`, taking a fresh CSRF token from `page` each time.
    (sqlmap's --forms would also post the page's sign-out button and end the session.)
    """

    name: str
    role: str  # a key of PEOPLE, or "" for nobody signed in
    path: str
    data: str = ""
    page: str = ""


@dataclass
class Scan:
    base: str
    env: dict[str, str]
    cookie_name: str
    sessions: dict[str, str]
    csrf_cookie_name: str
    client_id: str
    # A CSRF cookie from the start, as a browser would hold after its first page, so the
    # scanners' form posts carry a valid token and reach the views instead of the 403 page.
    csrf_secret: str = field(
        default_factory=lambda: "".join(secrets.choice(CSRF_CHARS) for _ in range(32))
    )

    def cookie(self, role: str) -> str:
        csrf = f"{self.csrf_cookie_name}={self.csrf_secret}"
        return f"{self.cookie_name}={self.sessions[role]}; {csrf}" if role else csrf

    def sign_in_again(self) -> None:
        """Give every person a fresh session: a tool may have signed one out, or it idled."""
        self.sessions = _sessions(self.env)["sessions"]


def _sessions(env: dict[str, str]) -> dict[str, Any]:
    code = f"import json\nPEOPLE = {PEOPLE!r}\n" + SESSIONS
    output = _manage(env, "shell", "--no-imports", "-c", code)
    made: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return made


def _tool(name: str) -> str:
    path = TOOLS / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"scan: {name} is not installed; run `make scan-tools`")
    return found


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tending", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result.stdout


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "tending.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--access-logfile",
            str(log.with_suffix(".access.log")),
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in/", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"scan: gunicorn did not start; see {log}")


def _wapiti(scan: Scan, role: str, quick: bool, out: Path) -> dict[str, Any]:
    scan.sign_in_again()
    modules = WAPITI_QUICK if quick else WAPITI_FULL
    report = out / f"wapiti-{role}.json"
    command = [
        _tool("wapiti"),
        "--url",
        f"{scan.base}/",
        "--scope",
        "folder",
        "--module",
        ",".join(modules),
        "--cookie-value",
        scan.cookie(role),
        "--max-scan-time",
        str(150 if quick else 900),
        "--max-attack-time",
        str(20 if quick else 120),
        "--depth",
        str(3 if quick else 6),
        "--max-links-per-page",
        str(30 if quick else 100),
        "--max-files-per-dir",
        str(20 if quick else 60),
        "--tasks",
        "4",
        "--timeout",
        "30",
        # wapiti resolves this when it loads its modules: keep the look-up on this machine.
        "--dns-endpoint",
        "localhost",
        "--no-bugreport",
        "--flush-session",
        "--store-session",
        str(out / "wapiti-session"),
        "--store-config",
        str(out / "wapiti-config"),
        "--format",
        "json",
        "--output",
        str(report),
        "--verbose",
        "0",
    ]
    for path in EXCLUDED:
        command += ["--exclude", f"{scan.base}{path}"]
    started = time.monotonic()
    log = (out / f"wapiti-{role}.log").open("w")
    subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False, timeout=1800)
    seconds = round(time.monotonic() - started, 1)
    data = json.loads(report.read_text()) if report.exists() else {}
    return {"seconds": seconds, **_wapiti_findings(data)}


LEVELS = {1: "low", 2: "medium", 3: "high", 4: "critical"}


def _wapiti_findings(data: dict[str, Any]) -> dict[str, Any]:
    findings = []
    for kind in ("vulnerabilities", "anomalies", "additionals"):
        for category, items in (data.get(kind) or {}).items():
            for item in items:
                path = item.get("path", "")
                reasons = (
                    why for (c, p), why in ACCEPTED.items() if c == category and re.search(p, path)
                )
                accepted = next(reasons, "")
                findings.append(
                    {
                        "kind": kind,
                        "category": category,
                        "severity": LEVELS.get(item.get("level", 0), "info"),
                        "method": item.get("method", ""),
                        "path": path,
                        "parameter": item.get("parameter", ""),
                        "info": item.get("info", "")[:300],
                        "accepted": accepted,
                    }
                )
    infos = data.get("infos") or {}
    return {"pages_crawled": infos.get("crawled_pages_nbr", 0), "findings": findings}


def _sqlmap_targets(scan: Scan, quick: bool) -> list[Target]:
    client = scan.client_id
    add_client = "name=Robin+Ash&email=robin%40example.org&csrfmiddlewaretoken=x"
    targets = [
        Target("dashboard sort and page", "clinician", "/dashboard/?sort=attention&page=1"),
        Target("add a client (form)", "clinician", "/clients/add/", add_client, "/caseload/"),
    ]
    if quick:
        return targets
    sign_in = "username=someone%40example.org&password=wrong&next=%2Fdashboard%2F"
    return [
        *targets,
        Target(
            "progress period and start",
            "clinician",
            f"/clients/{client}/progress/?period=custom&start=2026-01-01",
        ),
        Target("practice library filters", "clinician", "/practices/?layer=1&kind=&length="),
        Target(
            "audit trail filters",
            "admin",
            "/organisation/audit/?action=signin.failed&outcome=failure&start=2026-01-01&page=1",
        ),
        Target("practice history page", "client", "/my-practice/?page=1"),
        Target(
            "reminder settings (form)",
            "client",
            "/reminders/",
            "enabled=on&at=08%3A00&time_zone=Europe%2FLondon&csrfmiddlewaretoken=x",
            "/reminders/",
        ),
        Target(
            "sign in (form)",
            "",
            "/sign-in/",
            f"{sign_in}&csrfmiddlewaretoken=x",
            "/sign-in/",
        ),
        Target(
            "password reset (form)",
            "",
            "/password-reset/",
            "email=someone%40example.org&csrfmiddlewaretoken=x",
            "/password-reset/",
        ),
    ]


def _sqlmap(scan: Scan, target: Target, quick: bool, out: Path) -> dict[str, Any]:
    scan.sign_in_again()
    command = [
        _tool("sqlmap"),
        "--url",
        f"{scan.base}{target.path}",
        "--batch",
        "--level",
        "1" if quick else "2",
        "--risk",
        "1",
        "--technique",
        "BEU" if quick else "BEUST",
        "--time-sec",
        "2",
        "--timeout",
        "30",
        "--retries",
        "1",
        "--threads",
        "1" if target.data else "2",  # a fresh CSRF token per request needs one at a time
        "--skip-waf",
        "--disable-coloring",
        "--flush-session",
        "--output-dir",
        str(out / "sqlmap"),
        # Tending's anti-CSRF token and its session cookie are not parameters to inject.
        "--param-exclude",
        "csrfmiddlewaretoken|tending_session|tending_csrf",
    ]
    command += ["--cookie", scan.cookie(target.role)]
    if target.data:
        command += ["--data", target.data, "--csrf-token", "csrfmiddlewaretoken"]
        command += ["--csrf-url", f"{scan.base}{target.page}"]
    started = time.monotonic()
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=300 if quick else 900
        )
        output, timed_out = result.stdout + result.stderr, False
    except subprocess.TimeoutExpired as expired:
        output, timed_out = str(expired.stdout or ""), True
    slug = re.sub(r"\W+", "-", target.name).strip("-")
    (out / f"sqlmap-{slug}.log").write_text(output)
    tested = sorted(
        set(re.findall(r"testing for SQL injection on \w+ parameter '([^']+)'", output))
    )
    # sqlmap confirms an injection only in its "identified the following injection point(s)"
    # block; an early "appears to be injectable" it may then reject as a false positive.
    confirmed = output.split("identified the following injection point", 1)[1:]
    injectable = sorted(set(re.findall(r"^Parameter: (\S+)", "".join(confirmed), re.MULTILINE)))
    candidates = set(re.findall(r"parameter '([^']+)' appears to be .*injectable", output))
    return {
        "target": target.name,
        "as": target.role or "nobody signed in",
        "path": target.path,
        "seconds": round(time.monotonic() - started, 1),
        "parameters_tested": tested,
        "injectable": injectable,
        "rejected_as_false_positive": sorted(candidates - set(injectable)),
        "timed_out": timed_out,
        "not_injectable": "do not appear to be injectable" in output,
    }


def _server_errors(log: Path) -> int:
    """Count 500 answers in gunicorn's access log."""
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text().splitlines() if re.search(r'" 500 ', line))


def _prepare(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENDING_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.scan_settings",
        PYTHONPATH=str(ROOT),
        TENDING_DATA_DIR=str(data_dir),
        TENDING_LOG_LEVEL="WARNING",
        TENDING_EMAIL_BACKEND="file",
        TENDING_EMAIL_FILE_PATH=str(data_dir / "mail"),
        TENDING_DEMO_PASSWORD=DEMO_PASSWORD,
        TENDING_DEMO_TOTP_SECRET=DEMO_TOTP_SECRET,
    )
    _manage(env, "migrate", "-v0")
    _manage(env, "demo-data")
    return env


def run(quick: bool, port: int) -> dict[str, Any]:
    started = time.monotonic()
    out = REPORTS
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    data_dir = Path(tempfile.mkdtemp(prefix="tending-scan-"))
    env = _prepare(data_dir)
    made = _sessions(env)
    log = out / "gunicorn.log"
    server = _start(env, port, log)
    scan = Scan(
        base=f"http://127.0.0.1:{port}",
        env=env,
        cookie_name=made["cookie"],
        sessions=made["sessions"],
        csrf_cookie_name=made["csrf_cookie"],
        client_id=made["client_id"],
    )
    try:
        wapiti = {role: _wapiti(scan, role, quick, out) for role in ("clinician", "client")}
        sqlmap = [_sqlmap(scan, target, quick, out) for target in _sqlmap_targets(scan, quick)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    return {
        "mode": "quick" if quick else "full",
        "seconds": round(time.monotonic() - started, 1),
        "wapiti": wapiti,
        "sqlmap": sqlmap,
        "server_errors": _server_errors(log.with_suffix(".access.log")),
    }


def problems(summary: dict[str, Any]) -> list[str]:
    """Return one line per thing that fails the scan."""
    lines = []
    for role, result in summary["wapiti"].items():
        for finding in result["findings"]:
            if finding["kind"] == "additionals" or finding["accepted"]:
                continue
            lines.append(
                f"wapiti as {role}: {finding['category']} ({finding['severity']}) "
                f"{finding['method']} {finding['path']} {finding['parameter']}".rstrip()
            )
    for result in summary["sqlmap"]:
        if result["injectable"]:
            lines.append(f"sqlmap: {result['target']}: injectable {result['injectable']}")
    if summary["server_errors"]:
        lines.append(f"server: {summary['server_errors']} responses were 500")
    return lines


def markdown(summary: dict[str, Any]) -> str:
    lines = [
        f"Scan ({summary['mode']}): {summary['seconds']:.0f} s in all; "
        f"{summary['server_errors']} server errors (500).",
        "",
        "| tool | as | pages or parameters | seconds | findings |",
        "|---|---|---|---|---|",
    ]
    for role, result in summary["wapiti"].items():
        counts: dict[str, int] = {}
        for finding in result["findings"]:
            label = f"{finding['severity']}{' (accepted)' if finding['accepted'] else ''}"
            counts[label] = counts.get(label, 0) + 1
        found = ", ".join(f"{n} {label}" for label, n in sorted(counts.items())) or "none"
        lines.append(
            f"| wapiti | {role} | {result['pages_crawled']} pages | {result['seconds']} | {found} |"
        )
    for result in summary["sqlmap"]:
        tested = ", ".join(result["parameters_tested"]) or "none"
        verdict = (
            f"injectable: {', '.join(result['injectable'])}" if result["injectable"] else "none"
        )
        if result["rejected_as_false_positive"]:
            rejected = ", ".join(result["rejected_as_false_positive"])
            verdict += f" ({rejected}: a first signal sqlmap then rejected as a false positive)"
        if result["timed_out"]:
            verdict += " (stopped at its time limit)"
        lines.append(
            f"| sqlmap | {result['as']} | {result['target']}: {tested} | {result['seconds']} "
            f"| {verdict} |"
        )
    findings = [
        f"- wapiti as {role}: {f['category']} ({f['severity']}) {f['method']} {f['path']} "
        f"{f['parameter']}: {f['info']}" + (f" Accepted: {f['accepted']}" if f["accepted"] else "")
        for role, result in summary["wapiti"].items()
        for f in result["findings"]
        if f["kind"] != "additionals"
    ]
    # Informational notes (such as which methods a page allows) are counted, not listed.
    notes: dict[str, int] = {}
    for result in summary["wapiti"].values():
        for f in result["findings"]:
            if f["kind"] == "additionals":
                notes[f["category"]] = notes.get(f["category"], 0) + 1
    if findings:
        lines += ["", "Findings:", "", *findings]
    if notes:
        lines += ["", "Informational notes: " + ", ".join(f"{n} {c}" for c, n in notes.items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tight time limits, for CI")
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args(argv)
    summary = run(args.quick, args.port)
    (REPORTS / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    text = markdown(summary)
    (REPORTS / "summary.md").write_text(text)
    print(text)
    failing = problems(summary)
    for line in failing:
        print(f"FAIL: {line}")
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
