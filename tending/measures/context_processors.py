from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def measures_waiting(request: HttpRequest) -> dict[str, Any]:
    """Give pages, lazily, a clinician's open risk alerts or a client's waiting questionnaires.

    Lives here, not in accounts, so that accounts never depends on measures.
    """

    def alerts() -> list[Any]:
        from django.db.models import Case, Value, When

        from tending.accounts.access import caseload_for
        from tending.measures.models import RiskAlert

        if getattr(request.user, "role", "") != "clinician":
            return []
        high_first = Case(When(priority=RiskAlert.Priority.HIGH, then=Value(0)), default=Value(1))
        return list(
            RiskAlert.objects.filter(client__in=caseload_for(request), acknowledged_at=None)
            .select_related("client")
            .order_by(high_first, "created_at")
        )

    def waiting() -> list[Any]:
        from tending.measures.models import MeasureRequest

        profile = (
            getattr(request.user, "client_profile", None) if request.user.is_authenticated else None
        )
        if profile is None:
            return []
        return list(MeasureRequest.objects.filter(client=profile, completed_at=None))

    return {
        "open_risk_alerts": SimpleLazyObject(alerts),
        "questionnaires_waiting": SimpleLazyObject(waiting),
    }
