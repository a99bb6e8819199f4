"""Demo journal: a shared compassionate letter with the clinician's reply, and a private entry.

Idempotent: a demo client who already has letters or free entries is left alone.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tending.accounts.demo import ORGANISATIONS
from tending.accounts.models import ClientProfile
from tending.journal import letters
from tending.journal.models import EntryPart, JournalEntry, Reply
from tending.journal.services import FREE_BODY

DEMO_CLIENT = ORGANISATIONS[0].clients[0]  # Sam Rivers, on Asha Patel's caseload

LETTER = {
    "why": "I am writing to you because this week has been hard and you have been very tough "
    "on yourself about it. I want to understand it better, and to be on your side.",
    "difficulty": "You missed the deadline for the report, and when your manager mentioned it "
    "you went quiet. Then you spent the whole evening telling yourself you are useless and "
    "that everyone can see it.",
    "validate": "It makes sense that you feel ashamed and frightened, because when you were "
    "growing up mistakes often meant being shouted at. Your mind learned to expect the worst "
    "whenever something goes wrong.",
    "not_my_fault": "When you go over it again and again, that is your mind trying to keep you "
    "safe, so that it never happens again. It is not your fault that it learned to work like "
    "this. You did not choose those early lessons.",
    "warmth": "You have been carrying a lot, and you still turned up every day. I am proud of "
    "you for that. Something that might help is telling your manager what got in the way, and "
    "doing some slow breathing before the drive home instead of replaying it.",
}
REPLY = (
    "Thank you for sharing this, Sam. I noticed how you linked the shame to what you learned "
    "growing up: that is real understanding, not an excuse. And 'I am proud of you for that' "
    "is such a warm line. It might be worth reading that part out loud again this week."
)
FREE_ENTRY = (
    "Walked by the river before anyone else was up. Noticed I was not rushing, for once. The "
    "heron was there again. I want to remember that it is possible to feel like this."
)


def demo_client() -> ClientProfile | None:
    """Return the demo client whose journal and module history the demo shows."""
    return ClientProfile.objects.filter(
        name=DEMO_CLIENT, organisation__name=ORGANISATIONS[0].name, user__isnull=False
    ).first()


@transaction.atomic
def load_journal() -> int:
    """Write the demo client's letter, reply and private entry once; return entries made."""
    client = demo_client()
    if client is None or client.journal_entries.exclude(kind=JournalEntry.Kind.REFLECTION).exists():
        return 0
    now = timezone.now()
    letter = JournalEntry.objects.create(
        client=client,
        token=uuid.uuid4(),
        kind=JournalEntry.Kind.LETTER,
        title="After the report",
        voice=letters.THIRD_PERSON,
        writer=letters.COMPASSIONATE_SELF,
        shared_at=now - timedelta(days=3),
    )
    EntryPart.objects.bulk_create(
        EntryPart(entry=letter, key=step.key, position=n, prompt=step.title, text=LETTER[step.key])
        for n, step in enumerate(letters.WRITING_STEPS, start=1)
    )
    Reply.objects.create(
        entry=letter,
        author=client.primary_clinician,
        token=uuid.uuid4(),
        noticed=[Reply.Noticed.WARMTH, Reply.Noticed.UNDERSTANDING],
        body=REPLY,
    )
    private = JournalEntry.objects.create(
        client=client, token=uuid.uuid4(), kind=JournalEntry.Kind.FREE, title="Sunday morning"
    )
    EntryPart.objects.create(entry=private, key=FREE_BODY, position=1, text=FREE_ENTRY)
    JournalEntry.objects.filter(pk=letter.pk).update(created_at=now - timedelta(days=4))
    JournalEntry.objects.filter(pk=private.pk).update(created_at=now - timedelta(days=2))
    return 2
