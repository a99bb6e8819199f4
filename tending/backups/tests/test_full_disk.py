"""A backup that meets a full data disk stops with one line and leaves nothing behind."""

from __future__ import annotations

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pyrage import x25519

from tending.testing.disks import tmpfs


@pytest.fixture
def full_disk(tmp_path):
    with tmpfs(tmp_path / "data", "1m") as mount:
        with (mount / "filler").open("wb") as filler:
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:
                pass  # full
        yield mount


def test_a_full_data_disk_stops_the_backup_in_one_line(settings, tmp_path, full_disk, committed):
    # Committed: as from the command line, no write transaction is open on the database being
    # copied (SQLite's backup would wait on one for ever).
    settings.DATA_DIR = full_disk
    settings.PRODUCTION = False
    settings.BACKUP_RECIPIENTS = str(x25519.Identity.generate().to_public())
    settings.BACKUP_PASSPHRASE = ""
    backups = tmp_path / "backups"

    with pytest.raises(CommandError) as raised:
        call_command("backup", "--to", str(backups))

    message = str(raised.value)
    assert "\n" not in message
    # SQLite's copy or the tar meets the full disk; on PostgreSQL, pg_dump does.
    assert message.startswith((f"The backup could not be made in {full_disk}", "pg_dump failed"))
    assert not any(backups.iterdir())  # no archive, not even a partial one
    assert [path.name for path in full_disk.iterdir()] == ["filler"]  # no plain copy left
    assert shutil.disk_usage(full_disk).free < 65536
