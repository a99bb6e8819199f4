from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tending.backups.keys import BackupKeyError
from tending.backups.services import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `tending backup` into the configured database and media "
        "folder. Checks every table's rows and every file's checksum against the backup's "
        "inventory before anything is replaced. Refuses to overwrite existing data unless "
        "--replace is given (the old SQLite file and media folder are kept beside the new ones). "
        "Stop Tending before restoring."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the .tbk file to restore")
        parser.add_argument(
            "--replace", action="store_true", help="restore over an existing database"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore_backup(Path(options["archive"]), replace=options["replace"])
        except (BackupError, BackupKeyError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {summary.tables} tables ({summary.rows:,} rows) and "
            f"{summary.media_files} media files in {summary.seconds:.1f} s; all match the backup."
        )
        if summary.pending_migrations:
            self.stdout.write(
                f"This backup predates {len(summary.pending_migrations)} database changes: "
                "run `tending migrate` before starting Tending."
            )
