"""Backups in the age format: opened by the standard `age` tool, restored by `tending restore`,
refused in one line when altered, cut short or given the wrong identity; and a backup in the
format used before age still restores."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import pty
import select
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from tending.backups import inventory
from tending.backups.encryption import AGE_MAGIC
from tending.backups.sealing import MAGIC
from tending.backups.services import Database, create_backup
from tending.encryption.keys import new_key
from tending.practices.models import PracticeLog

from .legacy import legacy_copy
from .operator import tending

PASSPHRASE = "a passphrase only the tests know"


def _new_identity(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", "--new-identity", str(path), stdout=out)
    said = out.getvalue()
    assert f"Wrote a new backup identity to {path}." in said
    return said.split("Its public key: ")[1].split()[0]


def _members(plain: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:gz") as archive:
        # Unpacked by hand, nothing in it is readable by other users of the machine.
        assert {oct(member.mode) for member in archive if member.isfile()} == {oct(0o600)}
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:gz") as archive:
        return {
            member.name: archive.extractfile(member).read() for member in archive if member.isfile()
        }


def _check_contents(members: dict[str, bytes], vendor: str) -> dict[str, object]:
    """Check what an operator finds in the tar; return its manifest."""
    manifest = json.loads(members["manifest.json"])
    database = "database.sqlite3" if vendor == "sqlite" else "database.dump"
    media = {name.removeprefix("media/"): data for name, data in members.items() if "/" in name}
    assert set(members) == {"manifest.json", database} | {f"media/{name}" for name in media}
    assert (manifest["format"], manifest["vendor"], manifest["database"]) == (1, vendor, database)
    assert manifest["media"] == {
        name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in media.items()
    }
    assert len(media) == 1
    assert manifest["tables"]["practices_practicelog"]["rows"] >= 25
    return manifest


def _restored_logs(target: Database) -> int:
    query = "SELECT count(*) FROM practices_practicelog"
    if target.vendor == "sqlite":
        database = sqlite3.connect(target.path)
        try:
            return int(database.execute(query).fetchone()[0])
        finally:
            database.close()
    with target.pg_connect() as live, live.cursor() as cursor:
        cursor.execute(query)
        return int(cursor.fetchone()[0])


def _nothing_restored(target: Database, data_dir: Path) -> bool:
    assert not (data_dir / "media").exists()
    if target.vendor == "sqlite":
        return not target.path.exists()
    with target.pg_connect() as live, live.cursor() as cursor:
        return inventory.postgres_tables(cursor) == {}


def test_it_writes_a_backup_the_age_command_opens_and_tending_restores(
    records, empty_target, tmp_path, settings, age_command
):
    identity = tmp_path / "secrets" / "backup-identity.txt"
    identity.parent.mkdir()
    settings.BACKUP_RECIPIENTS = _new_identity(identity)
    out = io.StringIO()

    call_command("backup", "--to", str(tmp_path / "backups"), stdout=out)

    archive = next((tmp_path / "backups").iterdir())
    assert archive.name.endswith(".tar.gz.age")
    assert f"Backup written to {archive}" in out.getvalue()
    assert archive.read_bytes().startswith(AGE_MAGIC)
    assert oct(identity.stat().st_mode)[-3:] == "600"
    assert not (settings.DATA_DIR / "backup_identity.txt").exists()
    plain = tmp_path / "backup.tar.gz"
    opened = subprocess.run(
        [age_command, "-d", "-i", str(identity), "-o", str(plain), str(archive)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert opened.returncode == 0, opened.stderr
    manifest = _check_contents(_members(plain.read_bytes()), empty_target.vendor)

    restoring = tmp_path / "restoring"
    restored = tending(
        empty_target, restoring, "restore", str(archive), "--identity", str(identity)
    )

    assert restored.returncode == 0, restored.stderr
    assert "all match the backup" in restored.stdout
    assert _restored_logs(empty_target) == manifest["tables"]["practices_practicelog"]["rows"]
    assert inventory.media_files(restoring / "media") == manifest["media"]


def _age_with_passphrase(age_command: str, passphrase: str, archive: Path, plain: Path) -> int:
    """Run `age -d` on a terminal, as age asks for a passphrase only there; return its status."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: become age, or leave at once
        arguments = [age_command, "-d", "-o", str(plain), str(archive)]
        try:
            os.execv(age_command, arguments)  # noqa: S606  # the age tool, with our arguments
        finally:
            os._exit(127)
    said = b""
    while select.select([terminal], [], [], 60)[0]:
        try:
            chunk = os.read(terminal, 1024)
        except OSError:  # the child has gone and closed the terminal
            break
        if not chunk:
            break
        said += chunk
        if said.endswith(b"passphrase: "):
            os.write(terminal, passphrase.encode() + b"\n")
    os.close(terminal)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def test_it_writes_a_backup_for_a_passphrase_that_age_and_tending_both_open(
    records, empty_target, tmp_path, settings, age_command
):
    settings.BACKUP_PASSPHRASE = PASSPHRASE

    backup = create_backup(directory=tmp_path / "backups")

    assert backup.path.read_bytes().startswith(AGE_MAGIC + b"-> scrypt ")
    assert not (settings.DATA_DIR / "backup_identity.txt").exists()
    plain = tmp_path / "backup.tar.gz"
    assert _age_with_passphrase(age_command, PASSPHRASE, backup.path, plain) == 0
    manifest = _check_contents(_members(plain.read_bytes()), empty_target.vendor)

    wrong = tending(
        empty_target,
        tmp_path / "wrong",
        "restore",
        str(backup.path),
        TENDING_BACKUP_PASSPHRASE="not the passphrase it was made with",
    )
    assert wrong.returncode == 1
    assert wrong.stderr.splitlines() == [
        "CommandError: TENDING_BACKUP_PASSPHRASE does not open this backup: it was made for "
        "another key or passphrase, or its header was altered."
    ]
    assert _nothing_restored(empty_target, tmp_path / "wrong")
    restored = tending(
        empty_target,
        tmp_path / "restoring",
        "restore",
        str(backup.path),
        TENDING_BACKUP_PASSPHRASE=PASSPHRASE,
    )
    assert restored.returncode == 0, restored.stderr
    assert _restored_logs(empty_target) == manifest["tables"]["practices_practicelog"]["rows"]


def test_it_still_restores_a_backup_made_before_age(records, empty_target, tmp_path):
    key = os.urandom(32)
    backup = create_backup(directory=tmp_path / "backups")
    old = legacy_copy(backup.path, key)
    assert old.name.endswith(".tbk")
    assert old.read_bytes().startswith(MAGIC)
    rows = PracticeLog.objects.count()

    restoring = tmp_path / "restoring"
    restored = tending(
        empty_target,
        restoring,
        "restore",
        str(old),
        TENDING_BACKUP_KEY=base64.urlsafe_b64encode(key).decode(),
    )

    assert restored.returncode == 0, restored.stderr
    assert "all match the backup" in restored.stdout
    assert _restored_logs(empty_target) == rows >= 25
    assert inventory.media_files(restoring / "media") == inventory.media_files(settings.MEDIA_DIR)


def test_it_refuses_an_altered_or_cut_backup_in_one_line_and_restores_nothing(
    records, empty_target, tmp_path
):
    backup = create_backup(directory=tmp_path / "backups")
    data = backup.path.read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    header_end = data.index(b"\n", data.index(b"\n--- ") + 1) + 1
    damaged = {
        "altered": bytes(flipped),
        "cut": data[: len(data) - 1000],
        "header-only": data[:header_end],
    }
    identity = settings.DATA_DIR / "backup_identity.txt"

    for name, content in damaged.items():
        path = tmp_path / f"{name}.tar.gz.age"
        path.write_bytes(content)
        result = tending(
            empty_target, tmp_path / name, "restore", str(path), "--identity", str(identity)
        )

        assert result.returncode == 1, name
        assert result.stderr.splitlines() == [
            "CommandError: The backup could not be decrypted: it was altered or cut short."
        ], name
        assert _nothing_restored(empty_target, tmp_path / name), name


def test_it_says_so_when_the_identity_does_not_open_the_backup(records, empty_target, tmp_path):
    backup = create_backup(directory=tmp_path / "backups")
    other = tmp_path / "other-identity.txt"
    _new_identity(other)

    result = tending(
        empty_target, tmp_path / "restoring", "restore", str(backup.path), "--identity", str(other)
    )

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"CommandError: The identity in {other} does not open this backup: it was made for "
        "another key or passphrase, or its header was altered."
    ]
    assert _nothing_restored(empty_target, tmp_path / "restoring")


def test_it_says_so_when_the_field_keys_do_not_open_the_restored_text(
    records, empty_target, tmp_path, settings
):
    """Restored without the keys its notes were written with, Tending would fail on the first
    page that reads them: the restore and the database check say so, in one line."""
    identity = tmp_path / "backup-identity.txt"
    settings.BACKUP_RECIPIENTS = _new_identity(identity)
    call_command("backup", "--to", str(tmp_path / "backups"), stdout=io.StringIO())
    archive = next((tmp_path / "backups").iterdir())
    other_keys = {"TENDING_FIELD_ENCRYPTION_KEYS": new_key()}

    restored = tending(
        empty_target,
        tmp_path / "restoring",
        "restore",
        str(archive),
        "--identity",
        str(identity),
        **other_keys,
    )

    assert restored.returncode == 1
    error = restored.stderr.strip().splitlines()[-1]
    assert "configured field-encryption keys do not open its encrypted text" in error
    assert "practices_practicelog.note" in error
    assert _restored_logs(empty_target) >= 25  # restored all the same, nothing lost
    checked = tending(
        empty_target, tmp_path / "restoring", "check", "--database", "default", **other_keys
    )
    assert checked.returncode == 1 and "tending.E002" in checked.stderr
    # With the right keys the same database is fine.
    assert (
        tending(empty_target, tmp_path / "restoring", "check", "--database", "default").returncode
        == 0
    )
