"""Demo practice history: eight weeks of plausible, varied practice for each demo client.

Deterministic (seeded per client) so every demo install tells the same stories; one client
has been stirred up twice lately, so the clinician's flag can be seen.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from tending.accounts.demo import ORGANISATIONS
from tending.accounts.models import ClientProfile
from tending.practices.models import Practice, PracticeLog

WEEKS = 8
FAVOURITES = [
    "soothing-rhythm-breathing",
    "compassionate-break",
    "mindfulness-of-sounds",
    "safe-place",
    "compassionate-self",
    "compassionate-colour",
    "body-scan",
]
NOTES = [
    "Easier than yesterday.",
    "Mind wandered a lot, kept coming back.",
    "Felt a bit silly at first, then calmer.",
    "Used it before the meeting.",
    "Sad for a while afterwards, but OK.",
]
FLAGGED_CLIENT = "Chris Doyle"


@transaction.atomic
def load_practice_history() -> int:
    """Add history for demo clients who have none yet; return how many logs were made."""
    practices = {p.key: p for p in Practice.objects.filter(key__in=FAVOURITES, organisation=None)}
    clients = ClientProfile.objects.filter(
        organisation__name__in=[spec.name for spec in ORGANISATIONS], user__isnull=False
    ).exclude(practice_logs__isnull=False)
    logs: list[PracticeLog] = []
    now = timezone.now()
    for client in clients:
        logs += _history(client, practices, now)
    PracticeLog.objects.bulk_create(logs)
    return len(logs)


def _history(
    client: ClientProfile, practices: dict[str, Practice], now: datetime
) -> list[PracticeLog]:
    chance = random.Random(f"tending-demo-{client.email}")  # noqa: S311 (demo data, not security)
    habit = chance.uniform(0.2, 0.7)  # how often this person tends to practise
    logs = []
    flagged = client.name == FLAGGED_CLIENT
    for day in range(WEEKS * 7, 0, -1):
        stirred = flagged and day in (2, 9)
        if chance.random() > habit and not stirred:
            continue
        practice = practices[chance.choice(FAVOURITES[: chance.randint(3, len(FAVOURITES))])]
        started = (now - timedelta(days=day)).replace(
            hour=chance.choice([7, 8, 12, 18, 21, 22]), minute=chance.randint(0, 59)
        )
        progress = 1 - day / (WEEKS * 7)  # later sessions settle a little more, on average
        threat = chance.randint(4, 8)
        soothe = chance.randint(1, 4)
        seconds = max(30, int(practice.minutes * 60 * chance.uniform(0.5, 1.3)))
        logs.append(
            PracticeLog(
                client=client,
                token=uuid.uuid4(),
                practice=practice,
                practice_version=practice.version,
                started_at=started,
                ended_at=started + timedelta(seconds=seconds),
                outcome="stopped" if stirred else "completed",
                seconds_practised=seconds,
                before_threat=threat,
                before_soothe=soothe,
                after_threat=max(0, threat - chance.randint(0, 2 + round(2 * progress))),
                after_soothe=min(10, soothe + chance.randint(0, 2 + round(2 * progress))),
                feeling="stirred_up"
                if stirred
                else chance.choice(["settling", "settling", "neutral"]),
                note=chance.choice(NOTES) if chance.random() < 0.25 else "",
                note_shared=chance.random() < 0.5,
            )
        )
    return logs
