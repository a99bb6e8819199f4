from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject


@dataclass(frozen=True)
class BannerAlert:
    """What the staff banner shows of an open risk alert."""

    public_id: UUID
    priority: str
    created_at: datetime
    client_name: str

    def get_absolute_url(self) -> str:
        return reverse("risk_alert_detail", kwargs={"alert_id": self.public_id})

    @property
    def priority_label(self) -> str:
        return "high" if self.priority == "high" else "standard"


def measures_waiting(request: HttpRequest) -> dict[str, Any]:
    """Give staff pages, lazily, the clinician's open risk alerts for the banner.

    Lives here, not in accounts, so that accounts never depends on measures.
    """

    def alerts() -> list[Any]:
        from tending.accounts.access import staff_membership
        from tending.measures.models import RiskAlert

        membership = staff_membership(request, "clinician")
        if membership is None:
            return []
        # A narrow query: this runs on every staff page, so it fetches only what the banner
        # shows, high priority first, then oldest first.
        rows = RiskAlert.objects.filter(
            client__organisation_id=membership.organisation_id,
            client__primary_clinician_id=membership.user_id,
            acknowledged_at=None,
        ).values_list("public_id", "priority", "created_at", "client__name")
        banner = [
            BannerAlert(public_id, priority, created_at, name)
            for public_id, priority, created_at, name in rows
        ]
        banner.sort(key=lambda alert: (alert.priority != RiskAlert.Priority.HIGH, alert.created_at))
        return banner

    return {
        "open_risk_alerts": SimpleLazyObject(alerts),
    }
