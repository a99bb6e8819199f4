"""Make and restore backups: the database (SQLite's online backup API or pg_dump, never a file
copy), the media files, and an inventory that proves a restore is complete.

An archive is a gzipped tar encrypted in the age format to the operator's recipients (see
encryption.py and keys.py), so `age -d` opens it without Tending. The tar holds:
- `manifest.json`: format, time, database vendor, applied migrations, per-table row counts and
  content digests, and a checksum for every media file;
- `database.sqlite3` (SQLite) or `database.dump` (PostgreSQL custom format);
- `media/...`: the media files.
Neither the field-encryption keys nor the backup identity are ever inside it, nor is the erasure
ledger: a restore reads the ledger from the data folder and erases again every client erased
since the backup was made (see tending/privacy/ledger.py).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404  # runs pg_dump and psql, never a shell
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from tending.backups import inventory, keys
from tending.backups.encryption import DecryptionError, decrypt, encrypt
from tending.privacy import ledger
from tending.privacy.services import Reapplication, clients_still_present, reapply_erasures

FORMAT = 1  # the tar's layout and manifest, the same under age as under the old format
SUFFIX = ".tar.gz.age"


class BackupError(Exception):
    """A backup or restore could not be completed; nothing was changed."""


@dataclass(frozen=True)
class Summary:
    path: Path
    vendor: str
    tables: int
    rows: int
    media_files: int
    archive_bytes: int
    seconds: float
    pending_migrations: tuple[str, ...] = ()
    # After a restore: the erasures re-applied from the ledger, or, when the restored database
    # needs `migrate` first, how many erased clients are back until `reapply-erasures` runs.
    erasures: Reapplication | None = None
    erased_clients_back: int = 0


# --- where the database is -------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """The database a backup reads or a restore writes: a SQLite file or a PostgreSQL one."""

    vendor: str  # "sqlite" or "postgresql"
    path: Path | None = None  # SQLite
    name: str = ""  # PostgreSQL
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def configured(cls) -> Database:
        config = connection.settings_dict
        if connection.vendor == "sqlite":
            return cls(vendor="sqlite", path=Path(str(config["NAME"])))
        return cls(
            vendor="postgresql",
            name=str(config["NAME"]),
            host=str(config.get("HOST") or ""),
            port=str(config.get("PORT") or ""),
            user=str(config.get("USER") or ""),
            password=str(config.get("PASSWORD") or ""),
        )

    def pg_arguments(self) -> list[str]:
        arguments = []
        for flag, value in (("-h", self.host), ("-p", self.port), ("-U", self.user)):
            if value:
                arguments += [flag, value]
        return [*arguments, "-d", self.name]

    def pg_environment(self) -> dict[str, str]:
        environment = dict(os.environ)
        if self.password:
            environment["PGPASSWORD"] = self.password
        return environment

    def pg_connect(self) -> Any:
        import psycopg

        return psycopg.connect(
            dbname=self.name,
            host=self.host or None,
            port=self.port or None,
            user=self.user or None,
            password=self.password or None,
        )


@contextmanager
def connected_to(database: Database) -> Iterator[None]:
    """Point Django's default connection at `database` while the block runs.

    A restore uses it to work on what it has just restored through the ORM: the configured
    database (whose SQLite file was swapped in by rename, so any open connection is stale) or
    another one named by the caller.
    """
    original = connections[DEFAULT_DB_ALIAS]
    settings_dict = dict(original.settings_dict)
    if database.vendor == "sqlite":
        settings_dict["NAME"] = str(database.path)
    else:
        settings_dict.update(
            NAME=database.name,
            HOST=database.host,
            PORT=database.port,
            USER=database.user,
            PASSWORD=database.password,
        )
    original.close()
    replacement = type(original)(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = replacement
    try:
        yield
    finally:
        replacement.close()
        connections[DEFAULT_DB_ALIAS] = original


def _run(command: list[str], database: Database) -> None:
    result = subprocess.run(  # noqa: S603  # nosec B603  # fixed programs, arguments from settings
        command, env=database.pg_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{command[0]} failed: {lines[-1] if lines else 'no message'}")


# --- making a backup ---------------------------------------------------------------------------


def _applied_migrations(cursor: Any) -> list[str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def copy_sqlite(source: sqlite3.Connection, target: Path) -> None:
    """Copy a live database with SQLite's online backup API.

    Never a file copy: that misses everything still in the write-ahead log (reliability plan
    4.5), which on a busy server can be every recent change.
    """
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()


def _sqlite_copy(target: Path) -> tuple[dict[str, dict[str, object]], list[str]]:
    connection.ensure_connection()
    copy_sqlite(connection.connection, target)
    return _sqlite_inventory(target)


def _sqlite_inventory(path: Path) -> tuple[dict[str, dict[str, object]], list[str]]:
    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = database.cursor()
        problems = cursor.execute("PRAGMA integrity_check").fetchall()
        if problems != [("ok",)]:
            raise BackupError(f"The database copy failed SQLite's integrity check: {problems[0]}")
        tables = inventory.sqlite_tables(cursor)
        return (
            inventory.table_digests(cursor, tables, inventory.quote_identifier),
            _applied_migrations(cursor),
        )
    finally:
        database.close()


def _pg_dump(target: Path, database: Database) -> tuple[dict[str, dict[str, object]], list[str]]:
    """Dump with pg_dump from a snapshot, and take the inventory from that same snapshot."""
    with database.pg_connect() as snapshot_connection, snapshot_connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SET TIME ZONE 'UTC'")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                *database.pg_arguments(),
            ],
            database,
        )
        return _postgres_inventory(cursor)


def _postgres_inventory(cursor: Any) -> tuple[dict[str, dict[str, object]], list[str]]:
    tables = inventory.postgres_tables(cursor)
    return (
        inventory.table_digests(cursor, tables, inventory.quote_identifier),
        _applied_migrations(cursor),
    )


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def create_backup(*, directory: Path, now: datetime | None = None) -> Summary:
    """Write an encrypted backup archive into `directory` and return what it holds."""
    started = time.monotonic()
    now = now or timezone.now()
    recipients = keys.recipients()
    database = Database.configured()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"tending-backup-{now:%Y%m%d-%H%M%S}{SUFFIX}"
    if target.exists():
        raise BackupError(f"{target} already exists.")
    # Plain copies stay beside the live database, never in the (perhaps remote) backup folder.
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".backup-") as folder:
            work = Path(folder)
            if database.vendor == "sqlite":
                dump = work / "database.sqlite3"
                tables, migrations = _sqlite_copy(dump)
            else:
                dump = work / "database.dump"
                tables, migrations = _pg_dump(dump, database)
            # pyrage encrypts from a file it reads, while tarfile writes: so the tar is made first,
            # in this folder, and then encrypted into the backup folder.
            plain = work / "archive.tar.gz"
            media = _write_archive(plain, dump, database.vendor, now, tables, migrations)
            partial = target.with_name(f"{target.name}.part")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "wb") as handle, plain.open("rb") as source:
                    encrypt(source, handle, recipients)
                    handle.flush()
                    os.fsync(handle.fileno())
                partial.replace(target)
            except OSError as error:
                partial.unlink(missing_ok=True)
                raise BackupError(
                    f"The backup could not be written to {directory}: {error}"
                ) from None
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
    except (OSError, sqlite3.OperationalError) as error:
        # A full disk while copying the database or packing the tar (SQLite says "database or
        # disk is full"): one line, and the temporary folder is gone with what it held.
        raise BackupError(f"The backup could not be made in {settings.DATA_DIR}: {error}") from None
    return Summary(
        path=target,
        vendor=database.vendor,
        tables=len(tables),
        rows=sum(int(str(table["rows"])) for table in tables.values()),
        media_files=len(media),
        archive_bytes=target.stat().st_size,
        seconds=time.monotonic() - started,
    )


def _owner_only(member: tarfile.TarInfo) -> tarfile.TarInfo:
    member.mode = 0o600
    return member


def _write_archive(
    plain: Path,
    dump: Path,
    vendor: str,
    now: datetime,
    tables: dict[str, dict[str, object]],
    migrations: list[str],
) -> dict[str, dict[str, object]]:
    media: dict[str, dict[str, object]] = {}
    fd = os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w|gz") as archive:
        # Readable by its owner only once unpacked, like the media files and the manifest.
        archive.add(dump, arcname=dump.name, filter=_owner_only)
        root = Path(settings.MEDIA_DIR)
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
        for path in files:
            # Hash exactly the bytes archived, so a file changed meanwhile cannot mismatch.
            data = path.read_bytes()
            name = path.relative_to(root).as_posix()
            media[name] = {"bytes": len(data), "sha256": _sha256(data)}
            _add_bytes(archive, f"media/{name}", data, path.stat().st_mtime)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "vendor": vendor,
            "database": dump.name,
            "migrations": migrations,
            "tables": tables,
            "media": media,
        }
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode(), time.time())
    return media


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- restoring -------------------------------------------------------------------------------


@contextmanager
def _unpacked(
    archive: Path, scratch: Path, identity_file: Path | None
) -> Iterator[tuple[dict[str, Any], Path]]:
    """Decrypt and unpack `archive` under `scratch`; once all of it checked out, yield its
    manifest and the folder holding its files.

    The whole archive is decrypted, and so authenticated, before any of it is unpacked.
    """
    plain = scratch / "archive.tar.gz"
    work = scratch / "files"
    try:
        fd = os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with archive.open("rb") as source, os.fdopen(fd, "wb") as target:
            decrypt(source, target, identity_file=identity_file)
        with tarfile.open(plain, mode="r:gz") as members:
            for member in members:
                name = PurePosixPath(member.name)
                if not member.isfile() or name.is_absolute() or ".." in name.parts:
                    raise BackupError(f"The backup holds an unexpected entry: {member.name}")
                members.extract(member, work, filter="data")
    except DecryptionError as error:
        raise BackupError(str(error)) from None
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"The backup could not be unpacked: {error}") from None
    finally:
        plain.unlink(missing_ok=True)
    manifest_path = work / "manifest.json"
    if not manifest_path.exists():
        raise BackupError("The backup has no manifest.")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup's format ({manifest.get('format')}) is not supported.")
    found = inventory.media_files(work / "media")
    if found != manifest["media"]:
        raise BackupError("The media files in the backup do not match its manifest.")
    yield manifest, work


def _compare(expected: dict[str, Any], found: dict[str, Any]) -> None:
    if found != expected:
        differing = sorted(
            name for name in set(expected) | set(found) if expected.get(name) != found.get(name)
        )
        raise BackupError(
            "The restored database does not match the backup's inventory in: "
            + ", ".join(differing[:10])
        )


def _pending(applied: list[str]) -> tuple[str, ...]:
    known = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    done = set(applied)
    return tuple(sorted(f"{app}.{name}" for app, name in known if f"{app}.{name}" not in done))


def restore_backup(
    archive: Path,
    *,
    database: Database | None = None,
    media_dir: Path | None = None,
    replace: bool = False,
    identity_file: Path | None = None,
) -> Summary:
    """Restore `archive` into the configured (or given) database and media folder.

    An age archive opens with `identity_file` (else the configured one) or the configured
    passphrase; an archive in the format used before age, with TENDING_BACKUP_KEY.

    Refuses to overwrite existing data unless `replace`. Everything is checked against the
    manifest before the live database or media folder is touched; the SQLite file and the
    media folder are swapped in by rename, PostgreSQL in one transaction. Then every client the
    erasure ledger says was erased is erased again (unless the restored database needs
    `migrate` first: then `erased_clients_back` says how many wait for `reapply-erasures`).
    """
    started = time.monotonic()
    database = database or Database.configured()
    media_dir = Path(media_dir or settings.MEDIA_DIR)
    if not archive.is_file():
        raise BackupError(f"No backup file at {archive}.")
    scratch = (database.path.parent if database.path else settings.DATA_DIR).resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(dir=scratch, prefix=".restore-") as folder,
        _unpacked(archive, Path(folder), identity_file) as (manifest, work),
    ):
        if manifest["vendor"] != database.vendor:
            raise BackupError(
                f"This is a {manifest['vendor']} backup; the configured database is "
                f"{database.vendor}."
            )
        _check_media_target(media_dir, replace)
        if database.vendor == "sqlite":
            _restore_sqlite(work / "database.sqlite3", manifest, database, replace)
        else:
            _restore_postgres(work / "database.dump", manifest, database, replace)
        _place_media(work / "media", media_dir, replace)
    pending = _pending(manifest["migrations"])
    erasures, back = _erase_again(database, pending=bool(pending))
    tables = manifest["tables"]
    return Summary(
        path=archive,
        vendor=database.vendor,
        tables=len(tables),
        rows=sum(int(table["rows"]) for table in tables.values()),
        media_files=len(manifest["media"]),
        archive_bytes=archive.stat().st_size,
        seconds=time.monotonic() - started,
        pending_migrations=pending,
        erasures=erasures,
        erased_clients_back=back,
    )


def _erase_again(database: Database, *, pending: bool) -> tuple[Reapplication | None, int]:
    """Re-apply the erasure ledger to the restored database; see `restore_backup`."""
    with connected_to(database):
        if not pending:
            return reapply_erasures(via="restore"), 0
        entries = ledger.read() or []
        try:
            return None, len(clients_still_present(entries))
        except DatabaseError:
            return None, len({entry.client for entry in entries})


def _restore_sqlite(
    copy: Path, manifest: dict[str, Any], database: Database, replace: bool
) -> None:
    if database.path is None:
        raise BackupError("No SQLite file is configured.")
    tables, _ = _sqlite_inventory(copy)
    _compare(manifest["tables"], tables)
    target = database.path
    if target.exists() and not replace:
        raise BackupError(
            f"{target} already exists. Stop Tending and pass --replace to restore over it."
        )
    if target.exists():
        aside = target.with_name(f"{target.name}.before-restore-{int(time.time())}")
        target.replace(aside)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    copy.replace(target)
    target.chmod(0o600)


def _restore_postgres(
    dump: Path, manifest: dict[str, Any], database: Database, replace: bool
) -> None:
    with database.pg_connect() as live, live.cursor() as cursor:
        existing = inventory.postgres_tables(cursor)
    if existing and not replace:
        raise BackupError(
            f"Database {database.name} already has tables. Stop Tending and pass --replace "
            "to restore over it."
        )
    command = ["pg_restore", "--exit-on-error", "--single-transaction", "--no-owner"]
    if existing:
        command += ["--clean", "--if-exists"]
    _run([*command, "--no-privileges", *database.pg_arguments(), str(dump)], database)
    with database.pg_connect() as live, live.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        tables, _ = _postgres_inventory(cursor)
    _compare(manifest["tables"], tables)


def _check_media_target(media_dir: Path, replace: bool) -> None:
    if media_dir.exists() and any(media_dir.iterdir()) and not replace:
        raise BackupError(
            f"The media folder {media_dir} is not empty. Pass --replace to restore over it."
        )


def _place_media(unpacked: Path, media_dir: Path, replace: bool) -> None:
    if media_dir.exists() and any(media_dir.iterdir()):
        media_dir.replace(
            media_dir.with_name(f"{media_dir.name}.before-restore-{int(time.time())}")
        )
    elif media_dir.exists():
        media_dir.rmdir()
    media_dir.parent.mkdir(parents=True, exist_ok=True)
    if unpacked.exists():
        shutil.move(str(unpacked), str(media_dir))
    else:
        media_dir.mkdir()
