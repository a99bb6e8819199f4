"""Mixed-workload load test (reliability plan T41): locust on loopback, then reconciliation.

    python -m bench.load                                  # SQLite and PostgreSQL, 120 s each
    python -m bench.load --databases sqlite --duration 20 --smoke

For each database: a fresh database seeded by `bench.seed` (500 clients, 10 clinicians, a year
of history), then accounts for the clients the test drives, open questionnaire requests for
them and signed-in sessions (clinicians two-step verified) made directly in the database;
gunicorn as the README recommends; locust (`bench/locustfile.py`) with 50 users (70 % clients,
25 % clinicians, 5 % recording uploads), 5 started a second, for `--duration` seconds. Then the
database is reconciled with what the clients were told (`reconcile`): every acknowledged write
present exactly once, pointing where its answer pointed, whole (a response with its score and
its risk answer, a session note with its layer notes, a recording with its file, each with its
audit row); no row no client asked for; no server error. Writes the server committed although
the client gave up before the answer are counted separately: they are allowed.

Results go to bench/results/load-*.json and a Markdown table is printed for bench/README.md.
Exit status 1 on a server error or any reconciliation difference.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench.run import RESULTS, ROOT, _env, _serve

PG_URL = "postgres://postgres@127.0.0.1:5432/tending_load"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _fresh_postgres() -> None:
    for command in (
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "tending_load"],
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", "tending_load"],
    ):
        subprocess.run(command, check=True)


def prepare(plan_path: Path, client_accounts: int, requests_each: int) -> None:
    """Give the driven clients accounts and open requests; sign everyone in. Runs in Django."""
    import time as clock
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import transaction
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tending.accounts.models import ClientProfile, User
    from tending.measures.definitions import get_definition
    from tending.measures.models import MeasureRequest, Response
    from tending.practices.models import Practice, PracticeLog
    from tending.therapy_sessions.models import TherapySession
    from tending.web.sessions import SESSION_LAST_SEEN, SESSION_STARTED

    def session_for(user: User, device: TOTPDevice | None) -> str:
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = int(clock.time())
        session.create()
        return str(session.session_key)

    clinicians = []
    for user in User.objects.filter(email__endswith="@bench.example", membership__isnull=False):
        caseload = list(user.caseload.order_by("name").values_list("public_id", flat=True)[:20])
        clinicians.append(
            {
                "email": user.email,
                "cookie": session_for(user, TOTPDevice.objects.get(user=user)),
                "caseload": [str(c) for c in caseload],
            }
        )
    items = {key: len(get_definition(key).items) for key in ("phq9", "gad7")}
    clients = []
    with transaction.atomic():
        for profile in ClientProfile.objects.order_by("name")[:client_accounts]:
            profile.user = User.objects.create_user(
                profile.email, "bench passphrase 1", name=profile.name
            )
            profile.save(update_fields=["user"])
            asked = MeasureRequest.objects.bulk_create(
                MeasureRequest(
                    client=profile,
                    measure_key=("phq9", "gad7")[number % 2],
                    requested_by=profile.primary_clinician,
                )
                for number in range(requests_each)
            )
            clients.append(
                {
                    "cookie": session_for(profile.user, None),
                    "requests": [
                        {"id": str(a.public_id), "items": items[a.measure_key]} for a in asked
                    ],
                }
            )
    marks = {
        "response": Response.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "practice_log": PracticeLog.objects.order_by("-pk").values_list("pk", flat=True).first()
        or 0,
        "session": TherapySession.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    }
    plan = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "practice": str(Practice.objects.get(key="soothing-rhythm-breathing").public_id),
        "clinicians": clinicians,
        "clients": clients,
        "marks": marks,
    }
    plan_path.write_text(json.dumps(plan))


def reconcile(plan_path: Path, log_path: Path) -> dict[str, Any]:
    """Compare what clients were told with what the database holds. Runs in Django."""
    from django.db import connection

    from tending.audit.models import AuditEvent
    from tending.measures.models import Response
    from tending.practices.models import Practice, PracticeLog, PracticeRecording
    from tending.practices.services import media_dir
    from tending.safety.models import RiskAnswer
    from tending.therapy_sessions.models import TherapySession

    plan = json.loads(plan_path.read_text())
    entries = [json.loads(line) for line in log_path.read_text().splitlines() if line]
    problems: list[str] = []
    figures: dict[str, Any] = {}
    statuses = Counter(a["status"] for e in entries for a in e["answers"])
    figures["statuses"] = {str(k): v for k, v in sorted(statuses.items())}
    server_errors = sum(v for k, v in statuses.items() if k >= 500)
    if server_errors:
        problems.append(f"{server_errors} POSTs answered with a server error")
    models = {"response": Response, "practice_log": PracticeLog, "session": TherapySession}
    actions = {
        "response": "measure.submitted",
        "practice_log": "practice.logged",
        "session": "session.created",
    }
    for kind, model in models.items():
        mine = [e for e in entries if e["kind"] == kind]
        by_token = {e["token"]: e for e in mine}
        rows = list(model.objects.filter(pk__gt=plan["marks"][kind]))  # type: ignore[attr-defined]
        counts = Counter(str(row.token) for row in rows)
        acked = {t for t, e in by_token.items() if any(a["ack"] for a in e["answers"])}
        unacked_rows = [t for t in counts if t in by_token and t not in acked]
        stray = [t for t in counts if t not in by_token]
        lost = [t for t in acked if t not in counts]
        duplicated = [t for t, n in counts.items() if n > 1]
        misdirected, half_saved = [], []
        audited = Counter(
            AuditEvent.objects.filter(action=actions[kind]).values_list("target_id", flat=True)
        )
        for row in rows:
            entry = by_token.get(str(row.token))
            if entry is None:
                continue
            pointed = {UUID.search(a["location"]) for a in entry["answers"] if a["ack"]}
            if any(m is None or m.group(0) != str(row.public_id) for m in pointed):
                misdirected.append(str(row.token))
            if audited[str(row.public_id)] != 1:
                half_saved.append(f"{row.token}: {audited[str(row.public_id)]} audit rows")
            half_saved.extend(_incomplete(kind, row, entry["expect"], RiskAnswer))
        figures[kind] = {
            "attempted": len(mine),
            "acknowledged": len(acked),
            "rows": len(rows),
            "committed_without_answer": len(unacked_rows),
            "retried": sum(len(e["answers"]) > 1 or bool(e.get("abandoned")) for e in mine),
            "lost": len(lost),
            "duplicated": len(duplicated),
            "stray": len(stray),
            "misdirected": len(misdirected),
            "half_saved": len(half_saved),
        }
        for label, bad in (
            ("lost", lost),
            ("duplicated", duplicated),
            ("stray (no client sent it)", stray),
            ("misdirected", misdirected),
            ("half-saved", half_saved),
        ):
            if bad:
                problems.append(f"{kind} {label}: {len(bad)}, e.g. {bad[:3]}")
    # Recordings: one per clinician and practice, replaced by each upload; its file whole.
    uploads = [e for e in entries if e["kind"] == "recording"]
    practice = Practice.objects.get(public_id=plan["practice"])
    recordings = list(PracticeRecording.objects.filter(practice=practice))
    uploaders = {e["expect"]["clinician"] for e in uploads if any(a["ack"] for a in e["answers"])}
    have = Counter(r.clinician.email for r in recordings)
    files = {p.name for p in media_dir().iterdir()}
    bad_files = [
        r.file_name
        for r in recordings
        if r.file_name not in files or (media_dir() / r.file_name).stat().st_size != r.size_bytes
    ]
    orphans = files - {r.file_name for r in recordings}
    figures["recording"] = {
        "attempted": len(uploads),
        "acknowledged": sum(any(a["ack"] for a in e["answers"]) for e in uploads),
        "rows": len(recordings),
        "retried": sum(len(e["answers"]) > 1 or bool(e.get("abandoned")) for e in uploads),
        "clinicians_without_recording": len(uploaders - set(have)),
        "duplicated": sum(n > 1 for n in have.values()),
        "files_missing_or_short": len(bad_files),
        "orphan_files": len(orphans),
    }
    if uploaders - set(have) or any(n > 1 for n in have.values()) or bad_files or orphans:
        problems.append(f"recordings: {figures['recording']}")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            figures["integrity_check"] = cursor.fetchone()[0]
        if figures["integrity_check"] != "ok":
            problems.append(f"integrity_check: {figures['integrity_check']}")
    figures["problems"] = problems
    return figures


def _incomplete(kind: str, row: Any, expect: dict[str, Any], risk_answer: Any) -> list[str]:
    """Return what is missing from a row that should be whole, or wrong in it."""
    wrong = []
    if kind == "response":
        answers = {str(k): v for k, v in expect["answers"].items()}
        if row.answers != answers or row.total != expect["total"] or not row.band:
            wrong.append(f"{row.token}: answers, total or band differ from what was sent")
        if str(row.request.public_id) != expect["request"] or row.request.completed_at is None:
            wrong.append(f"{row.token}: its request is not marked complete")
        risky = row.measure_key == "phq9" and answers.get("9", 0) > 0
        if risky != risk_answer.objects.filter(response_id=row.public_id).exists():
            wrong.append(f"{row.token}: risk answer {'missing' if risky else 'unexpected'}")
    elif kind == "practice_log":
        if row.note != expect["note"] or row.seconds_practised != expect["seconds"]:
            wrong.append(f"{row.token}: note or duration differ from what was sent")
    elif kind == "session":
        layers = {str(n.layer): n.text for n in row.layers.all()}
        if str(row.client.public_id) != expect["client"] or layers != expect["layers"]:
            wrong.append(f"{row.token}: client or layer notes differ from what was sent")
    return wrong


def _stats(prefix: Path, seconds: int) -> dict[str, dict[str, float]]:
    rows = {}
    with Path(f"{prefix}_stats.csv").open() as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"] if row["Name"].startswith(("GET", "POST")) else "all"] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Request Count"]) / seconds,
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
            }
    return rows


def run_one(database: str, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"tending-load-{database}-"))
    env = _env(database, data_dir)
    if database == "postgres":
        env["DATABASE_URL"] = PG_URL
        _fresh_postgres()

    def django(*command: str) -> None:
        subprocess.run([sys.executable, *command], env=env, cwd=ROOT, check=True)

    django(
        "-m",
        "bench.seed",
        f"--clients={args.clients}",
        f"--clinicians={args.clinicians}",
        f"--weeks={args.weeks}",
    )
    plan, log, stats = data_dir / "plan.json", data_dir / "log.jsonl", data_dir / "locust"
    django("-m", "bench.load", "--prepare", str(plan), "--requests-each", str(args.requests_each))
    load = os.getloadavg()[0]
    server = _serve(env, args.port, data_dir / "gunicorn.log")
    try:
        locust_env = env | {"LOAD_PLAN": str(plan), "LOAD_LOG": str(log)}
        subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                "5",
                "--run-time",
                f"{args.duration}s",
                "--host",
                f"http://127.0.0.1:{args.port}",
                "--csv",
                str(stats),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            env=locust_env,
            cwd=ROOT,
            check=True,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    server_log = (data_dir / "gunicorn.log").read_text(errors="replace")
    django("-m", "bench.load", "--reconcile", str(plan), str(log), str(data_dir / "found.json"))
    found = json.loads((data_dir / "found.json").read_text())
    if "Traceback" in server_log or "Internal Server Error" in server_log:
        found["problems"].append("the server logged an error")
    endpoints = _stats(stats, args.duration)
    for name, figures in endpoints.items():
        if figures["failures"]:
            found["problems"].append(f"{name}: {figures['failures']} failed requests")
    if found["problems"]:
        RESULTS.mkdir(exist_ok=True)
        for kept in ("gunicorn.log", "log.jsonl", "locust_failures.csv"):
            if (data_dir / kept).exists():
                shutil.copy(data_dir / kept, RESULTS / f"load-{database}-{kept}")
        print(f"problems ({database}); logs kept in {RESULTS}:", *found["problems"], sep="\n  ")
    shutil.rmtree(data_dir, ignore_errors=True)
    return {
        "database": database,
        "load_average_before": round(load, 2),
        "users": args.users,
        "seconds": args.duration,
        "endpoints": endpoints,
        "reconciliation": found,
    }


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| database | endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | failures |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for name, f in result["endpoints"].items():
            lines.append(
                f"| {result['database']} | {name} | {f['requests']} | {f['rps']:.1f} "
                f"| {f['p50_ms']:.0f} | {f['p95_ms']:.0f} | {f['p99_ms']:.0f} | {f['failures']} |"
            )
    lines += [
        "",
        "| database | write | attempted | acknowledged | retried | rows | committed, no answer "
        "| lost | duplicated | stray | half-saved |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        found = result["reconciliation"]
        for kind in ("response", "practice_log", "session"):
            f = found[kind]
            lines.append(
                f"| {result['database']} | {kind} | {f['attempted']} | {f['acknowledged']} "
                f"| {f['retried']} | {f['rows']} | {f['committed_without_answer']} | {f['lost']} "
                f"| {f['duplicated']} | {f['stray']} | {f['half_saved'] + f['misdirected']} |"
            )
        f = found["recording"]
        lines.append(
            f"| {result['database']} | recording | {f['attempted']} | {f['acknowledged']} "
            f"| {f['retried']} | {f['rows']} (one per clinician) | - "
            f"| {f['clinicians_without_recording']} | {f['duplicated']} | {f['orphan_files']} "
            f"| {f['files_missing_or_short']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--duration", type=int, default=120, help="seconds of load per database")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--clinicians", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--requests-each", type=int, default=40)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--output", default="", help="file name under bench/results/")
    parser.add_argument("--smoke", action="store_true", help="a short run, for CI")
    parser.add_argument("--prepare", metavar="PLAN", help=argparse.SUPPRESS)
    parser.add_argument("--reconcile", nargs=3, metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare or args.reconcile:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
        import django

        django.setup()
        if args.prepare:
            prepare(Path(args.prepare), client_accounts=60, requests_each=args.requests_each)
        else:
            plan, log, out = (Path(p) for p in args.reconcile)
            out.write_text(json.dumps(reconcile(plan, log)))
        return 0
    if args.smoke:
        args.clients, args.weeks, args.requests_each = 100, 4, 20
    results = [run_one(database, args) for database in args.databases.split(",")]
    RESULTS.mkdir(exist_ok=True)
    name = args.output or f"load-{'-'.join(args.databases.split(','))}.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(table(results))
    failed = [p for r in results for p in r["reconciliation"]["problems"]]
    print()
    print("\n".join(f"FAILED: {p}" for p in failed) or "ok: 0 server errors, 0 differences")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
