from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from tending.measures.models import RiskAlert
from tending.measures.services import escalate_waiting_alerts, notify_clinician


class Command(BaseCommand):
    help = (
        "E-mail clinicians about open risk alerts whose notification has not gone out yet (for "
        "example because the mail server was down), and e-mail each organisation's named cover "
        "clinicians, once, about open alerts nobody has acknowledged within the organisation's "
        "chosen number of hours. Sends no clinical content. Run it from cron every few minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        pending = RiskAlert.objects.filter(acknowledged_at=None, notified_at=None)
        sent = sum(notify_clinician(alert.pk) for alert in pending)
        self.stdout.write(f"Sent {sent} of {pending.count() + sent} pending notifications.")
        escalated = escalate_waiting_alerts(timezone.now())
        self.stdout.write(f"Escalated {escalated} unacknowledged alerts to cover clinicians.")
