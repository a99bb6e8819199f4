"""Whether a client's safety plan was reviewed since their last risk answer.

A plan counts as out of date for a client who has given a risk answer when there is no plan,
or nobody has marked it reviewed since that answer. Shown on the dashboard, the client's
page and the risk episode, so a plan is looked at again before the next crisis.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max

from tending.accounts.models import ClientProfile
from tending.safety.models import RiskAnswer, SafetyPlan


def plan_not_reviewed(client_ids: Iterable[int]) -> set[int]:
    """Return those of `client_ids` whose plan was not reviewed since their last risk answer
    (two queries, whatever the number of clients)."""
    ids = list(client_ids)
    last_answers = dict(
        RiskAnswer.objects.filter(client_id__in=ids)
        .values("client_id")
        .annotate(last=Max("answered_at"))
        .values_list("client_id", "last")
    )
    if not last_answers:
        return set()
    reviewed = dict(
        SafetyPlan.objects.filter(
            client_id__in=last_answers, reviewed_at__isnull=False
        ).values_list("client_id", "reviewed_at")
    )
    return {
        client_id
        for client_id, last in last_answers.items()
        if client_id not in reviewed or reviewed[client_id] < last
    }


def needs_review(client: ClientProfile) -> bool:
    return client.pk in plan_not_reviewed([client.pk])
