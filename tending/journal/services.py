"""Journal workflows: writing, editing, sharing, replying and deleting, each audited.

Audit rows carry identifiers only (the entry's public id, its kind, a letter step's key),
never a word the client or clinician wrote.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from tending.accounts.models import ClientProfile, User
from tending.audit.services import record
from tending.journal import letters
from tending.journal.models import EntryPart, JournalEntry, Reply, shared_with_clinician

FREE_BODY = "body"


@dataclass(frozen=True)
class PartSpec:
    """A part to create: its key, Tending's wording of the prompt, and the client's text."""

    key: str
    prompt: str
    text: str = ""


class StaleEntry(Exception):
    """The entry changed after this form was opened (another tab or device)."""

    def __init__(self, entry: JournalEntry) -> None:
        super().__init__("The entry was saved elsewhere after this form was opened.")
        self.entry = entry


class NotShared(Exception):
    """The entry is not shared (any more), so a clinician may not reply to it."""


def create_entry(
    *,
    request: HttpRequest,
    client: ClientProfile,
    token: uuid.UUID,
    kind: str,
    parts: Sequence[PartSpec],
    title: str = "",
    status: str = JournalEntry.Status.SAVED,
    module_key: str = "",
    module_version: int | None = None,
    voice: str = "",
    writer: str = "",
) -> tuple[JournalEntry, bool]:
    """Create a private entry with its parts, once. Return (entry, created).

    The same `token` sent again, even at the same moment, returns the first entry unchanged.
    """
    try:
        with transaction.atomic():
            entry = JournalEntry.objects.create(
                client=client,
                token=token,
                kind=kind,
                status=status,
                title=title.strip(),
                module_key=module_key,
                module_version=module_version,
                voice=voice,
                writer=writer,
            )
            EntryPart.objects.bulk_create(
                EntryPart(entry=entry, key=p.key, position=n, prompt=p.prompt, text=p.text.strip())
                for n, p in enumerate(parts, start=1)
            )
            record(
                action="journal.entry_created",
                request=request,
                client=client,
                target=entry,
                detail={"kind": kind, "status": status},
            )
            return entry, True
    except IntegrityError:
        existing = JournalEntry.objects.filter(client=client, token=token).first()
        if existing is None:
            raise
        return existing, False


def start_letter(
    *,
    request: HttpRequest,
    client: ClientProfile,
    token: uuid.UUID,
    voice: str,
    writer: str,
    title: str = "",
) -> tuple[JournalEntry, bool]:
    """Begin a guided letter as a private draft with one empty part per writing step."""
    return create_entry(
        request=request,
        client=client,
        token=token,
        kind=JournalEntry.Kind.LETTER,
        status=JournalEntry.Status.DRAFT,
        title=title,
        voice=voice,
        writer=writer,
        parts=[PartSpec(step.key, step.title) for step in letters.WRITING_STEPS],
    )


def _locked(entry: JournalEntry) -> JournalEntry:
    """The entry's row, locked for this transaction; 404 if it was deleted meanwhile."""
    locked = JournalEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        # Deleted in another tab between loading the page and saving it: nothing to save.
        raise Http404
    return locked


@transaction.atomic
def save_entry(
    *, request: HttpRequest, entry: JournalEntry, version: int, title: str, texts: dict[str, str]
) -> JournalEntry:
    """Save the client's edit of title and parts; raise StaleEntry if it changed meanwhile.

    A stale form whose text matches what is saved already is not a conflict: nothing is lost.
    """
    locked = _locked(entry)
    parts = {part.key: part for part in locked.parts.all()}
    texts = {key: text.strip() for key, text in texts.items() if key in parts}
    changed = [part for key, part in parts.items() if key in texts and part.text != texts[key]]
    title = title.strip()
    if not changed and locked.title == title:
        return locked
    if locked.version != version:
        raise StaleEntry(locked)
    for part in changed:
        part.text = texts[part.key]
    EntryPart.objects.bulk_update(changed, ["text"])
    locked.title = title
    locked.version += 1
    locked.save(update_fields=["title", "version", "updated_at"])
    record(
        action="journal.entry_updated",
        request=request,
        client=locked.client,
        target=locked,
        detail={"version": locked.version, "parts": sorted(part.key for part in changed)},
    )
    return locked


@transaction.atomic
def save_letter_step(
    *, request: HttpRequest, entry: JournalEntry, key: str, version: int, text: str
) -> JournalEntry:
    """Keep one letter step's text as it is typed; raise StaleEntry if it changed meanwhile."""
    locked = _locked(entry)
    part = locked.parts.get(key=key)
    text = text.strip()
    if part.text == text:
        return locked  # an autosave of unchanged text, or a retry: nothing to do
    if locked.version != version:
        raise StaleEntry(locked)
    part.text = text
    part.save(update_fields=["text"])
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    record(
        action="journal.letter_step_saved",
        request=request,
        client=locked.client,
        target=locked,
        detail={"step": key, "version": locked.version},
    )
    return locked


@transaction.atomic
def finish_letter(*, request: HttpRequest, entry: JournalEntry) -> JournalEntry:
    """Keep a draft letter as a finished entry (still private). Finishing twice is harmless."""
    locked = _locked(entry)
    if locked.status == JournalEntry.Status.SAVED:
        return locked
    locked.status = JournalEntry.Status.SAVED
    locked.save(update_fields=["status", "updated_at"])
    record(action="journal.letter_finished", request=request, client=locked.client, target=locked)
    return locked


@transaction.atomic
def set_shared(*, request: HttpRequest, entry: JournalEntry, shared: bool) -> JournalEntry:
    """Share a finished entry with the client's clinician, or stop sharing it at once.

    Unsharing hides the entry and every reply to it from the clinician; sharing again shows
    them again. Drafts cannot be shared. Pressing the same button twice changes nothing.
    """
    locked = _locked(entry)
    if locked.is_shared == shared or (shared and locked.is_draft):
        return locked
    locked.shared_at = timezone.now() if shared else None
    locked.save(update_fields=["shared_at", "updated_at"])
    record(
        action="journal.entry_shared" if shared else "journal.entry_unshared",
        request=request,
        client=locked.client,
        target=locked,
    )
    return locked


@transaction.atomic
def delete_entry(*, request: HttpRequest, entry: JournalEntry) -> None:
    """Delete an entry with its parts and every reply to it."""
    replies = entry.replies.count()
    record(
        action="journal.entry_deleted",
        request=request,
        client=entry.client,
        target=entry,
        detail={"kind": entry.kind, "replies": replies},
    )
    entry.delete()


def add_reply(
    *,
    request: HttpRequest,
    entry: JournalEntry,
    author: User,
    token: uuid.UUID,
    body: str,
    noticed: Sequence[str],
) -> tuple[Reply, bool]:
    """Add the clinician's reply to a shared entry, once. Return (reply, created).

    Raise NotShared if the client stopped sharing it, even a moment before.
    """
    try:
        with transaction.atomic():
            locked = _locked(entry)  # an unshare racing this reply waits, or wins
            existing = Reply.objects.filter(entry=locked, token=token).first()
            if existing is not None:
                return existing, False
            if not locked.is_shared:
                raise NotShared
            reply = Reply.objects.create(
                entry=locked, author=author, token=token, body=body.strip(), noticed=list(noticed)
            )
            record(
                action="journal.reply_created",
                request=request,
                client=locked.client,
                target=reply,
                detail={"entry": str(locked.public_id), "noticed": list(noticed)},
            )
            return reply, True
    except IntegrityError:
        reply_found = Reply.objects.filter(entry=entry, token=token).first()
        if reply_found is None:
            raise
        return reply_found, False


def shared_entries(client: ClientProfile) -> QuerySet[JournalEntry]:
    """Return the entries `client` shares with their clinician: the only ones staff may see."""
    return JournalEntry.objects.filter(shared_with_clinician(), client=client)


def shared_counts_by_kind(client: ClientProfile) -> dict[str, int]:
    """Return how many entries of each kind `client` shares now, in one query.

    For staff pages such as the layer map. Private entries are never counted: even a count
    tells the clinician something the client chose not to share.
    """
    rows = shared_entries(client).values("kind").annotate(n=Count("id")).order_by()
    return {row["kind"]: row["n"] for row in rows}


def with_reply_counts(entries: QuerySet[JournalEntry]) -> QuerySet[JournalEntry]:
    return entries.annotate(reply_count=Count("replies"))
