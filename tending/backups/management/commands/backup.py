from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tending.backups.keys import BackupKeyError, new_key
from tending.backups.services import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the database and media files to a folder (default: "
        "var/backups). Reads the database with SQLite's online backup API or pg_dump, so it is "
        "safe while Tending runs. The archive opens only with TENDING_BACKUP_KEY; keep that key, "
        "and the field-encryption keys, somewhere other than the backups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", default="", help="folder to write the archive into")
        parser.add_argument(
            "--new-key", action="store_true", help="print a new random backup key and stop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(new_key())
            return
        folder = Path(options["to"]) if options["to"] else settings.DATA_DIR / "backups"
        try:
            summary = create_backup(directory=folder)
        except (BackupError, BackupKeyError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backup written to {summary.path} ({summary.archive_bytes:,} bytes): "
            f"{summary.tables} tables, {summary.rows:,} rows, {summary.media_files} media files, "
            f"in {summary.seconds:.1f} s."
        )
