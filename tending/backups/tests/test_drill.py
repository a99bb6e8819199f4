"""Backup and restore drills (reliability plan T38 on SQLite, T39 on PostgreSQL).

A backup of a world with clinical records and a recording is restored into an empty place;
the restore must reproduce every table's rows and digest, every media file's checksum, decrypt
with the keys from settings (never from the backup), and pass `migrate --check`.
"""

from __future__ import annotations

import sqlite3
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory

from tending.accounts.models import ClientProfile
from tending.audit.models import AuditEvent
from tending.backups import inventory
from tending.backups.services import (
    BackupError,
    Database,
    connected_to,
    copy_sqlite,
    create_backup,
    restore_backup,
)
from tending.encryption.keys import decrypt, is_ciphertext
from tending.practices.models import PracticeLog, PracticeRecording
from tending.privacy import ledger, linked, services
from tending.privacy.tests.records import CANARY, build_full_client
from tending.privacy.tests.test_completeness import (
    KEPT_AFTER_ERASURE,
    _database_text_containing,
)

from .operator import ROOT, tending


def _live_counts() -> dict[str, int]:
    """Rows per table in the live database, read through Django's own connection."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _encrypted_notes(target: Database) -> list[str]:
    query = "SELECT note FROM practices_practicelog WHERE note <> '' ORDER BY id LIMIT 20"
    if target.vendor == "sqlite":
        database = sqlite3.connect(target.path)
        try:
            return [row[0] for row in database.execute(query)]
        finally:
            database.close()
    with target.pg_connect() as live, live.cursor() as cursor:
        cursor.execute(query)
        return [row[0] for row in cursor.fetchall()]


def test_it_restores_everything_and_it_still_decrypts(records, empty_target, tmp_path):
    before = _live_counts()
    media_before = inventory.media_files(settings.MEDIA_DIR)
    backup = create_backup(directory=tmp_path / "backups")
    # What happens after the backup is not in it.
    PracticeLog.objects.filter(client=records.client_a).delete()

    started = time.monotonic()
    restored_media = tmp_path / "restored-media"
    summary = restore_backup(backup.path, database=empty_target, media_dir=restored_media)
    seconds = time.monotonic() - started

    # restore_backup compared every table's digest with the backup's inventory; here the
    # counts are checked against the live database as it was when the backup was made.
    assert summary.rows == sum(before.values())
    if empty_target.vendor == "sqlite":
        database = sqlite3.connect(empty_target.path)
        try:
            assert database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            after = {
                table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
                for table in before
            }
        finally:
            database.close()
    else:
        with empty_target.pg_connect() as live, live.cursor() as cursor:
            after = {}
            for table in before:
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
                after[table] = cursor.fetchone()[0]
    assert after == before
    assert after["practices_practicelog"] >= 25
    assert inventory.media_files(restored_media) == media_before != {}
    notes = _encrypted_notes(empty_target)
    assert len(notes) == 20
    assert all(is_ciphertext(note) for note in notes)
    assert all(decrypt(note).startswith("Private note") for note in notes)
    assert b"CANARY-drill" not in backup.path.read_bytes()
    check = tending(empty_target, tmp_path / "check-data", "migrate", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    print(f"restore drill ({empty_target.vendor}): {summary.rows} rows in {seconds:.2f} s")


def test_it_refuses_an_altered_backup_and_changes_nothing(records, empty_target, tmp_path):
    backup = create_backup(directory=tmp_path / "backups")
    data = bytearray(backup.path.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup.path.write_bytes(bytes(data))

    with pytest.raises(BackupError, match="altered"):
        restore_backup(backup.path, database=empty_target, media_dir=tmp_path / "m")

    if empty_target.vendor == "sqlite":
        assert not empty_target.path.exists()
    else:
        with empty_target.pg_connect() as live, live.cursor() as cursor:
            assert inventory.postgres_tables(cursor) == {}
    assert not (tmp_path / "m").exists()


def test_it_refuses_to_restore_over_data_unless_asked(records, empty_target, tmp_path):
    backup = create_backup(directory=tmp_path / "backups")
    restore_backup(backup.path, database=empty_target, media_dir=tmp_path / "m")

    with pytest.raises(BackupError, match="--replace"):
        restore_backup(backup.path, database=empty_target, media_dir=tmp_path / "m2")

    summary = restore_backup(
        backup.path, database=empty_target, media_dir=tmp_path / "m", replace=True
    )
    assert summary.media_files == 1
    if empty_target.vendor == "sqlite":
        kept = list(empty_target.path.parent.glob("tending.sqlite3.before-restore-*"))
        assert len(kept) == 1


def test_a_client_erased_after_the_backup_stays_erased_when_it_is_restored(
    records, empty_target, tmp_path
):
    world = records
    client = build_full_client(world)
    client_pk, account = client.pk, client.user
    assert account is not None
    assert _database_text_containing(CANARY)
    backup = create_backup(directory=tmp_path / "backups")
    request = RequestFactory().post("/")
    request.user = world.admin_a
    services.erase_client(request=request, organisation=world.org_a, client_id=client.public_id)
    erased = AuditEvent.objects.get(action="client.erased", client_id=client.public_id)

    restored_media = tmp_path / "restored-media"
    summary = restore_backup(backup.path, database=empty_target, media_dir=restored_media)

    assert summary.erasures is not None
    assert (summary.erasures.reapplied, summary.erasures.ledger_entries) == (1, 1)
    with connected_to(empty_target):
        assert not ClientProfile.objects.filter(public_id=client.public_id).exists()
        left = {
            model._meta.label: linked.rows_for(model, paths, ClientProfile(pk=client_pk)).count()
            for model, paths in linked.client_paths().items()
            if model not in KEPT_AFTER_ERASURE
        }
        assert set(left.values()) == {0}, left
        assert _database_text_containing(CANARY) == []
        account.refresh_from_db()
        assert (account.is_active, account.name, account.has_usable_password()) == (
            False,
            "",
            False,
        )
        # The other clients, and the clinician's recording with its file, are all back.
        assert ClientProfile.objects.filter(pk=world.client_a.pk).exists()
        assert PracticeLog.objects.filter(client=world.client_a).count() >= 25
        recordings = {f"recordings/{r.file_name}" for r in PracticeRecording.objects.all()}
        again = AuditEvent.objects.get(action="client.erasure_reapplied")
        assert (again.client_id, again.detail["erasure"], again.detail["via"]) == (
            client.public_id,
            str(erased.public_id),
            "restore",
        )
        assert not AuditEvent.objects.filter(action="client.erased").exists()  # not in backup
    # No media file belongs to a client; every one restored is a recording still in use.
    assert set(inventory.media_files(restored_media)) == recordings != set()
    assert [entry.audit_event for entry in ledger.read() or []] == [erased.public_id]


def test_it_copies_what_is_still_in_the_write_ahead_log(tmp_path):
    live = sqlite3.connect(tmp_path / "live.sqlite3")
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("PRAGMA wal_autocheckpoint=0")
    live.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    live.executemany("INSERT INTO notes (body) VALUES (?)", [(f"n{i}",) for i in range(500)])
    live.commit()
    assert (tmp_path / "live.sqlite3-wal").stat().st_size > 0

    copy_sqlite(live, tmp_path / "copy.sqlite3")

    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("SELECT count(*) FROM notes").fetchone() == (500,)
    copy.close()
    live.close()


def test_the_backup_code_never_copies_database_files():
    source = (ROOT / "tending" / "backups" / "services.py").read_text()

    for forbidden in ("copyfile", "shutil.copy", "copy2", "read_bytes()"):
        if forbidden == "read_bytes()":
            # Only media files are read whole; the database never is.
            assert source.count(forbidden) == 1
        else:
            assert forbidden not in source


def test_the_command_line_says_what_went_wrong_in_one_line(records, settings, tmp_path):
    with pytest.raises(CommandError, match="No backup file at"):
        call_command("restore", str(tmp_path / "missing.tbk"))
    settings.BACKUP_RECIPIENTS = "age1-not-a-key"
    with pytest.raises(CommandError, match="is not an age public key"):
        call_command("backup", "--to", str(tmp_path / "b"))
