"""Demo questionnaire history: PHQ-9 and GAD-7 every two weeks for eight weeks per demo client.

Seeded per client, drifting gently downwards; Chris Doyle's latest PHQ-9 has item 9 at 1, so
an open risk episode shows what a clinician sees.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tending.accounts.demo import ORGANISATIONS
from tending.accounts.models import ClientProfile
from tending.measures.definitions import get_definition
from tending.measures.models import Response
from tending.measures.scoring import score
from tending.safety.episodes import RiskItem, raise_risk
from tending.safety.models import Priority

WEEKS = (8, 6, 4, 2, 0)
ALERT_CLIENT = "Chris Doyle"


@transaction.atomic
def load_measure_history() -> int:
    """Add history for demo clients who have no responses yet; return how many were made."""
    clients = ClientProfile.objects.filter(
        organisation__name__in=[spec.name for spec in ORGANISATIONS], user__isnull=False
    ).exclude(responses__isnull=False)
    made = 0
    for client in clients:
        chance = random.Random(f"tending-demo-measures-{client.email}")  # noqa: S311 (demo data)
        for key in ("phq9", "gad7"):
            definition = get_definition(key)
            level = chance.uniform(1.6, 2.4)  # mean answer at the start
            for step, weeks_ago in enumerate(WEEKS):
                mean = max(0.2, level - step * chance.uniform(0.15, 0.35))
                answers = {
                    item.number: min(definition.scale.max, max(0, round(chance.gauss(mean, 0.6))))
                    for item in definition.items
                }
                alert_now = key == "phq9" and client.name == ALERT_CLIENT and weeks_ago == 0
                if key == "phq9":
                    answers[9] = 1 if alert_now else 0
                _store(client, definition, answers, weeks_ago, alert_now)
                made += 1
    return made


def _store(client, definition, answers, weeks_ago, alert_now) -> None:  # type: ignore[no-untyped-def]
    result = score(definition, answers)
    response = Response.objects.create(
        client=client,
        token=uuid.uuid4(),
        measure_key=definition.key,
        measure_version=definition.version,
        source=Response.Source.CLIENT,
        entered_by=client.user,
        answers={str(n): v for n, v in answers.items()},
        complete=result.complete,
        total=result.total,
        band=result.band or "",
        subscales=result.subscales,
        completed_at=timezone.now() - timedelta(weeks=weeks_ago, hours=3),
    )
    if alert_now:
        item = definition.items[8]
        raise_risk(
            request=None,
            client=client,
            response_id=response.public_id,
            measure_key=definition.key,
            measure_title=definition.short_title,
            items=[RiskItem(9, 1, item.text or "", definition.scale.labels[1] or "1")],
            priority=Priority.STANDARD,
            answered_at=response.completed_at,
        )
