"""The staff risk banner: one line per client with an open risk episode, on most staff pages.

Its query is the caseload rule (`accounts.access.on_caseload`) applied to open episodes,
compiled once (`fastsql.Precompiled`) because it runs on most staff pages; it fetches only
what the banner shows, sorted here. Report pages take it from their revision-keyed caches
instead (`reports.dashboard.cached_banner`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Count
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tending.accounts.access import on_caseload, staff_membership
from tending.fastsql import Precompiled
from tending.safety.models import Priority, RiskEpisode
from tending.web.paths import path_for


@dataclass(frozen=True)
class BannerAlert:
    """What the staff banner shows of a client's open risk episode: one line per client."""

    public_id: UUID
    priority: str
    opened_at: datetime
    client_name: str
    answers: int

    def get_absolute_url(self) -> str:
        return path_for("risk_episode_detail", self.public_id)  # on every staff page


_OPEN_ALERTS: Precompiled[Any] = Precompiled(
    lambda organisation, clinician: (
        RiskEpisode.objects.filter(
            on_caseload(organisation, clinician, via="client__"), closed_at=None
        )
        .annotate(answer_count=Count("answers"))
        .values_list("public_id", "priority", "opened_at", "client__name", "answer_count")
    ),
    organisation=int,
    clinician=int,
)


def open_alerts_for(membership: Any) -> list[BannerAlert]:
    """The open risk episodes of a clinician's own clients, high priority first, then oldest."""
    banner = [
        BannerAlert(*row)
        for row in _OPEN_ALERTS.rows(
            organisation=membership.organisation_id, clinician=membership.user_id
        )
    ]
    banner.sort(key=lambda alert: (alert.priority != Priority.HIGH, alert.opened_at))
    return banner


def risk_banner(request: HttpRequest) -> dict[str, Any]:
    """Give staff pages, lazily, the clinician's open risk episodes for the banner.

    A view that already knows them (the report pages, from their revision-keyed
    caches) puts `open_risk_alerts` in its own context, which wins over this one.
    """

    def alerts() -> list[Any]:
        membership = staff_membership(request, "clinician")
        return [] if membership is None else open_alerts_for(membership)

    return {"open_risk_alerts": SimpleLazyObject(alerts)}
