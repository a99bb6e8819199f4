from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from tending.assignments.reminders import due_reminders
from tending.assignments.tasks import send_reminder


class Command(BaseCommand):
    help = (
        "Find homework reminders that are due now and queue them for `tending db_worker` to "
        "e-mail. Run once (from cron, every few minutes) or with --loop SECONDS. Queuing the "
        "same reminder twice is harmless: each occurrence is sent at most once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=int, default=0, help="Repeat every N seconds.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            due = due_reminders(timezone.now())
            for client_id, items in due.items():
                send_reminder.enqueue(client_id, [list(item) for item in items])
            self.stdout.write(f"Queued reminders for {len(due)} client(s).")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
