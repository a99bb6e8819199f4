from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tending.privacy.services import reapply_erasures


class Command(BaseCommand):
    help = (
        "Erase again every client that the erasure ledger (erasure-ledger.jsonl in the data "
        "folder) says was erased but who is in the database, as after restoring an older "
        "backup by hand. Deletes all of those clients' records and clears their accounts, as "
        "the original erasure did, with an audit event for each. Running it again changes "
        "nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild-ledger",
            action="store_true",
            help="if the ledger file is lost, start a new one from the database's audit trail",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = reapply_erasures(via="command", rebuild_ledger=options["rebuild_ledger"])
        if result.ledger_lost:
            raise CommandError(result.lost_ledger_advice())
        self.stdout.write(result.describe())
