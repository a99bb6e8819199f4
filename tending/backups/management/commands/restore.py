from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from tending.backups.keys import BackupKeyError
from tending.backups.services import BackupError, restore_backup
from tending.encryption.checks import columns_the_keys_do_not_open


class Command(BaseCommand):
    help = (
        "Restore a backup made by `tending backup` into the configured database and media "
        "folder. An age backup (.tar.gz.age) opens with --identity FILE, "
        "TENDING_BACKUP_IDENTITY_FILE or TENDING_BACKUP_PASSPHRASE; an older .tbk backup with "
        "TENDING_BACKUP_KEY. Checks every table's rows and every file's checksum against the "
        "backup's inventory before anything is replaced. Refuses to overwrite existing data unless "
        "--replace is given (the old SQLite file and media folder are kept beside the new ones). "
        "Then erases again every client that the erasure ledger in the data folder says was "
        "erased, deleting their records as the original erasure did. Stop Tending before "
        "restoring."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the .tar.gz.age (or older .tbk) file to restore")
        parser.add_argument(
            "--identity",
            default="",
            metavar="FILE",
            help="the age identity file that opens it (default: TENDING_BACKUP_IDENTITY_FILE)",
        )
        parser.add_argument(
            "--replace", action="store_true", help="restore over an existing database"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore_backup(
                Path(options["archive"]),
                replace=options["replace"],
                identity_file=Path(options["identity"]) if options["identity"] else None,
            )
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
        else:
            # `migrate` runs the same check when the backup needs it first.
            connections.close_all()
            unopened = columns_the_keys_do_not_open()
            if unopened:
                raise CommandError(
                    "The backup is restored, but the configured field-encryption keys do not "
                    f"open its encrypted text ({', '.join(unopened[:3])}): set "
                    "TENDING_FIELD_ENCRYPTION_KEYS to the keys of the installation it came "
                    "from before starting Tending."
                )
        if summary.erased_clients_back:
            raise CommandError(
                f"The backup is restored, but {summary.erased_clients_back} client(s) erased "
                "since it was made are back in it. Run `tending migrate` and then "
                "`tending reapply-erasures` before starting Tending."
            )
        erasures = summary.erasures
        if erasures is None:
            return
        if erasures.ledger_lost:
            raise CommandError(f"The backup is restored. {erasures.lost_ledger_advice()}")
        self.stdout.write(erasures.describe())
        if not erasures.ledger_found:
            self.stderr.write(
                "If any client was erased on this installation after this backup was made, copy "
                "the erasure ledger back from where you keep it with the keys and run "
                "`tending reapply-erasures` before starting Tending."
            )
