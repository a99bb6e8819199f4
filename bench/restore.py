"""Time `tending backup` and `tending restore` on a clinic-sized database.

    python -m bench.restore                         # SQLite and PostgreSQL, 500 clients
    python -m bench.restore --databases sqlite --sizes 5000

For each database and size: a fresh database seeded by `bench.seed` (two years of weekly
questionnaires and practice per client) plus one recording, then `tending backup` and
`tending restore` into an empty database and media folder, each timed as a whole command (what
an operator waits for, including Python's start-up). The restore checks every table's digest
and every file's checksum against the backup's manifest, so a timed restore is a verified one.
Results go to bench/results/restore-*.json and a Markdown table is printed for bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import CLIENTS_PER_CLINICIAN, PG_URL, RESULTS, ROOT, _env, _fresh_postgres

RESTORE_DB = "tending_bench_restore"


def _tending(env: dict[str, str], *arguments: str) -> tuple[float, str]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "tending", *arguments],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"tending {arguments[0]} failed: {result.stderr.strip()}")
    return time.monotonic() - started, result.stdout.strip()


def run_one(database: str, clients: int, weeks: int) -> dict[str, object]:
    source = Path(tempfile.mkdtemp(prefix=f"tending-restore-{database}-"))
    target = Path(tempfile.mkdtemp(prefix=f"tending-restored-{database}-"))
    env = _env(database, source)
    env["DJANGO_SETTINGS_MODULE"] = "tending.settings"
    if database == "postgres":
        _fresh_postgres()
    clinicians = max(1, clients // CLIENTS_PER_CLINICIAN)
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
    media = source / "media" / "recordings"
    media.mkdir(parents=True, exist_ok=True)
    (media / "bench.webm").write_bytes(bytes(range(256)) * 4096)  # 1 MiB of "audio"
    backup_seconds, said = _tending(env, "backup", "--to", str(source / "backups"))
    archive = next((source / "backups").glob("*.tar.gz.age"))
    # The restoring machine has the same keys, from the secret store, and nothing else.
    for key in ("backup_identity.txt", "field_encryption_keys", "secret_key"):
        shutil.copy(source / key, target / key)
    restore_env = _env(database, target)
    restore_env["DJANGO_SETTINGS_MODULE"] = "tending.settings"
    if database == "postgres":
        restore_env["DATABASE_URL"] = PG_URL.rsplit("/", 1)[0] + "/" + RESTORE_DB
        for command in (["dropdb", "--if-exists"], ["createdb"]):
            subprocess.run([*command, "-h", "127.0.0.1", "-U", "postgres", RESTORE_DB], check=True)
    restore_seconds, restored = _tending(restore_env, "restore", str(archive))
    print(said, restored, sep="\n", flush=True)
    if database == "sqlite":
        database_bytes = (source / "tending.sqlite3").stat().st_size
    else:
        database_bytes = int(
            subprocess.run(
                [
                    *("psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc"),
                    "SELECT pg_database_size('tending_bench')",
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
        )
    result = {
        "database": database,
        "clients": clients,
        "rows": int(restored.split("(")[1].split(" rows")[0].replace(",", "")),
        "database_bytes": database_bytes,
        "archive_bytes": archive.stat().st_size,
        "backup_seconds": round(backup_seconds, 1),
        "restore_seconds": round(restore_seconds, 1),
    }
    shutil.rmtree(source, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    if database == "postgres":
        subprocess.run(
            ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", RESTORE_DB], check=True
        )
    return result


def table(results: list[dict[str, object]]) -> str:
    lines = [
        "| database | clients | rows | database MB | archive MB | backup s | restore s |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        database_mb = int(str(r["database_bytes"])) / 1e6
        archive_mb = int(str(r["archive_bytes"])) / 1e6
        lines.append(
            f"| {r['database']} | {r['clients']} | {r['rows']:,} | {database_mb:.0f} "
            f"| {archive_mb:.0f} | {r['backup_seconds']} | {r['restore_seconds']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--sizes", default="500")
    parser.add_argument("--weeks", type=int, default=104)
    arguments = parser.parse_args(argv)
    results = [
        run_one(database, int(size), arguments.weeks)
        for database in arguments.databases.split(",")
        for size in arguments.sizes.split(",")
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"restore-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(results, indent=1)
    )
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
