"""Demo progress: one client has read two modules, reflected privately on one, begun a third.

Idempotent: a client who already has any module progress is left alone.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tending.journal.demo import demo_client
from tending.journal.models import EntryPart, JournalEntry
from tending.understanding.definitions import all_modules
from tending.understanding.models import ModuleProgress

REFLECTION = {
    "my-loops": "Going over conversations at work after they have happened, especially if I "
    "think I said something daft. It starts on the drive home and can last until bedtime.",
    "makes-sense": "I suppose it does. My brain is trying to make sure it never happens again. "
    "I did not build it to work like this.",
    "what-might-help": "Noticing when the replay starts and saying 'tricky brain' to myself. "
    "Maybe the breathing practice in the car park before I drive home.",
}


@transaction.atomic
def load_module_progress() -> int:
    """Give the demo client their module history once; return how many reflections were made."""
    client = demo_client()
    if client is None or ModuleProgress.objects.filter(client=client).exists():
        return 0
    modules = all_modules()
    now = timezone.now()
    for key, days_ago, finished in (
        ("tricky-brain", 12, True),
        ("three-systems", 5, True),
        ("shaped-by-life", 1, False),
    ):
        module = modules[key]
        opened = now - timedelta(days=days_ago, hours=2)
        ModuleProgress.objects.create(
            client=client,
            module_key=key,
            opened_at=opened,
            opened_version=module.version,
            finished_at=opened + timedelta(minutes=9) if finished else None,
            finished_version=module.version if finished else None,
        )
    tricky = modules["tricky-brain"]
    entry = JournalEntry.objects.create(
        client=client,
        token=uuid.uuid4(),
        kind=JournalEntry.Kind.REFLECTION,
        title=f"Reflecting on: {tricky.title}",
        module_key=tricky.key,
        module_version=tricky.version,
    )
    EntryPart.objects.bulk_create(
        EntryPart(entry=entry, key=p.key, position=n, prompt=p.text, text=REFLECTION[p.key])
        for n, p in enumerate(tricky.prompts, start=1)
    )
    JournalEntry.objects.filter(pk=entry.pk).update(
        created_at=now - timedelta(days=12, hours=1, minutes=50)
    )
    return 1
