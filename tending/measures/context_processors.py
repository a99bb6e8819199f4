from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import connections, router
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tending.fastsql import fetch_values
from tending.web.paths import path_for


@dataclass(frozen=True)
class BannerAlert:
    """What the staff banner shows of an open risk alert."""

    public_id: UUID
    priority: str
    created_at: datetime
    client_name: str

    def get_absolute_url(self) -> str:
        return path_for("risk_alert_detail", self.public_id)  # on every staff page

    @property
    def priority_label(self) -> str:
        return "high" if self.priority == "high" else "standard"


def open_alerts_for(membership: Any) -> list[BannerAlert]:
    """The open risk alerts of a clinician's own clients, high priority first, then oldest."""
    from tending.accounts.models import ClientProfile
    from tending.measures.models import RiskAlert

    # A narrow query in plain SQL (tending/fastsql.py): this runs on most staff pages, so it
    # fetches only what the banner shows, and is sorted here.
    rows = fetch_values(
        _banner_sql(),
        [membership.organisation_id, membership.user_id],
        [
            RiskAlert._meta.get_field("public_id"),
            RiskAlert._meta.get_field("priority"),
            RiskAlert._meta.get_field("created_at"),
            ClientProfile._meta.get_field("name"),
        ],
        using=router.db_for_read(RiskAlert),
    )
    banner = [
        BannerAlert(public_id, priority, created_at, name)
        for public_id, priority, created_at, name in rows
    ]
    banner.sort(key=lambda alert: (alert.priority != RiskAlert.Priority.HIGH, alert.created_at))
    return banner


def measures_waiting(request: HttpRequest) -> dict[str, Any]:
    """Give staff pages, lazily, the clinician's open risk alerts for the banner.

    Lives here, not in accounts, so that accounts never depends on measures. A view that
    already knows the alerts (the report pages, from their revision-keyed caches) puts
    `open_risk_alerts` in its own context, which wins over this one.
    """

    def alerts() -> list[Any]:
        from tending.accounts.access import staff_membership

        membership = staff_membership(request, "clinician")
        return [] if membership is None else open_alerts_for(membership)

    return {
        "open_risk_alerts": SimpleLazyObject(alerts),
    }


@functools.cache
def _banner_sql() -> str:
    """The banner's query: the open alerts of one clinician's own clients, with their names."""
    from tending.accounts.models import ClientProfile
    from tending.measures.models import RiskAlert

    quote = connections[router.db_for_read(RiskAlert)].ops.quote_name
    alerts, clients = quote(RiskAlert._meta.db_table), quote(ClientProfile._meta.db_table)

    def column(table: str, model: Any, name: str) -> str:
        return f"{table}.{quote(model._meta.get_field(name).column)}"

    return (
        f"SELECT {column(alerts, RiskAlert, 'public_id')}, {column(alerts, RiskAlert, 'priority')},"  # noqa: S608  # nosec B608
        f" {column(alerts, RiskAlert, 'created_at')}, {column(clients, ClientProfile, 'name')}"
        f" FROM {alerts} INNER JOIN {clients}"
        f" ON {column(alerts, RiskAlert, 'client')} = {column(clients, ClientProfile, 'id')}"
        f" WHERE {column(clients, ClientProfile, 'organisation')} = %s"
        f" AND {column(clients, ClientProfile, 'primary_clinician')} = %s"
        f" AND {column(alerts, RiskAlert, 'acknowledged_at')} IS NULL"
    )
