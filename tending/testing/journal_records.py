"""Journal records for tests: private and shared entries, a draft letter and a reply."""

from __future__ import annotations

import uuid

from django.utils import timezone

from tending.accounts.models import ClientProfile, User
from tending.journal import letters
from tending.journal.models import EntryPart, JournalEntry, Reply
from tending.testing.personas import World


def make_entry(
    client: ClientProfile,
    *,
    kind: str = JournalEntry.Kind.FREE,
    title: str = "",
    texts: dict[str, str] | None = None,
    shared: bool = False,
    status: str = JournalEntry.Status.SAVED,
    module_key: str = "",
) -> JournalEntry:
    entry = JournalEntry.objects.create(
        client=client,
        token=uuid.uuid4(),
        kind=kind,
        status=status,
        title=title,
        module_key=module_key,
        module_version=1 if module_key else None,
        voice=letters.THIRD_PERSON if kind == JournalEntry.Kind.LETTER else "",
        writer=letters.COMPASSIONATE_SELF if kind == JournalEntry.Kind.LETTER else "",
        shared_at=timezone.now() if shared else None,
    )
    if texts is None:
        texts = {"body": ""}
    if kind == JournalEntry.Kind.LETTER:
        texts = {step.key: texts.get(step.key, "") for step in letters.WRITING_STEPS}
    EntryPart.objects.bulk_create(
        EntryPart(entry=entry, key=key, position=n, prompt=key.capitalize(), text=text)
        for n, (key, text) in enumerate(texts.items(), start=1)
    )
    return entry


def make_reply(entry: JournalEntry, author: User, body: str) -> Reply:
    return Reply.objects.create(
        entry=entry, author=author, token=uuid.uuid4(), body=body, noticed=["warmth"]
    )


def journal_records(world: World) -> dict[str, object]:
    """Entries for the authorization matrix, each carrying its own canary."""
    shared = make_entry(
        world.client_a,
        title="Title CANARY-journal_shared",
        texts={"body": "Shared words CANARY-journal_shared"},
        shared=True,
    )
    make_reply(shared, world.clinician_a, "A kind reply CANARY-journal_reply")
    return {
        "journal_private": make_entry(
            world.client_a,
            title="Title CANARY-journal_private",
            texts={"body": "Private words CANARY-journal_private"},
        ),
        "journal_shared": shared,
        "journal_letter": make_entry(
            world.client_a,
            kind=JournalEntry.Kind.LETTER,
            status=JournalEntry.Status.DRAFT,
            title="Letter CANARY-journal_letter",
            texts={"why": "Draft words CANARY-journal_letter"},
        ),
        # Clinician A2's client shares with A2 only: clinician A must never see it.
        "journal_a2": make_entry(
            world.client_a2,
            title="Title CANARY-journal_a2",
            texts={"body": "Shared with A2 CANARY-journal_a2"},
            shared=True,
        ),
    }
