from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tending.backups.keys import BackupKeyError, new_identity
from tending.backups.services import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the database and media files to a folder (default: "
        "var/backups): an age file (.tar.gz.age) for the public keys in "
        "TENDING_BACKUP_RECIPIENTS, or for TENDING_BACKUP_PASSPHRASE. Reads the database with "
        "SQLite's online backup API or pg_dump, so it is safe while Tending runs. Only the "
        "matching identity or the passphrase opens it; keep that, and the field-encryption "
        "keys, somewhere other than the backups. With --new-identity FILE it only writes a new "
        "age identity to FILE and prints its public key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", default="", help="folder to write the archive into")
        parser.add_argument(
            "--new-identity",
            default="",
            metavar="FILE",
            help="write a new age identity to FILE, print its public key and stop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["new_identity"]:
                self._new_identity(Path(options["new_identity"]))
                return
            folder = Path(options["to"]) if options["to"] else settings.DATA_DIR / "backups"
            summary = create_backup(directory=folder)
        except (BackupError, BackupKeyError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backup written to {summary.path} ({summary.archive_bytes:,} bytes): "
            f"{summary.tables} tables, {summary.rows:,} rows, {summary.media_files} media files, "
            f"in {summary.seconds:.1f} s."
        )

    def _new_identity(self, path: Path) -> None:
        public_key = new_identity(path)
        self.stdout.write(
            f"Wrote a new backup identity to {path}.\n"
            f"Its public key: {public_key}\n"
            f"Set TENDING_BACKUP_RECIPIENTS={public_key} where Tending makes backups, and keep "
            f"{path} (it opens them) off that server, with your other secrets."
        )
