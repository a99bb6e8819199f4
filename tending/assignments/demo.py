"""Demo homework: soothing rhythm breathing Mon/Wed/Fri 08:00 to 10:00 and a fortnightly PHQ-9
for every demo client, set six weeks ago; the seeded practice history gives real adherence."""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from tending.accounts.demo import ORGANISATIONS
from tending.accounts.models import ClientProfile
from tending.assignments.models import Assignment, ReminderPreference
from tending.practices.models import Practice


@transaction.atomic
def load_homework() -> int:
    """Add homework for demo clients who have none yet; return how many assignments."""
    breathing = Practice.objects.get(key="soothing-rhythm-breathing", organisation=None)
    clients = ClientProfile.objects.filter(
        organisation__name__in=[spec.name for spec in ORGANISATIONS], user__isnull=False
    ).exclude(assignments__isnull=False)
    start = timezone.localdate() - timedelta(weeks=6)
    start -= timedelta(days=start.weekday())  # a Monday
    made = 0
    for client in clients:
        common = {"client": client, "created_by": client.primary_clinician, "start_date": start}
        Assignment.objects.create(
            **common,
            kind="practice",
            practice=breathing,
            repeat="weekdays",
            weekdays=[0, 2, 4],
            window_start=time(8),
            window_end=time(10),
            instructions="A few slow breaths before the day gets going.",
        )
        Assignment.objects.create(
            **common,
            kind="measure",
            measure_key="phq9",
            repeat="every_n_weeks",
            interval=2,
            weekdays=[0],
        )
        ReminderPreference.objects.get_or_create(client=client, defaults={"at": time(8, 15)})
        made += 2
    return made
