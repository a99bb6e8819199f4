from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from tending.safety.episodes import escalate_waiting_episodes, send_pending_notifications


class Command(BaseCommand):
    help = (
        "E-mail clinicians about risk answers whose notification has not gone out yet (for "
        "example because the mail server was down), and e-mail each organisation's named cover "
        "clinicians, once, about open risk episodes nobody has closed within the organisation's "
        "chosen number of hours. Sends no clinical content. Run it from cron every few minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent, pending = send_pending_notifications()
        self.stdout.write(f"Sent {sent} of {pending} pending notifications.")
        escalated = escalate_waiting_episodes(timezone.now())
        self.stdout.write(f"Escalated {escalated} waiting risk episodes to cover clinicians.")
