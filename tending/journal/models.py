"""The client's private journal: entries, their written parts, and clinicians' replies.

Private by default: a clinician reads an entry only while `shared_at` is set, which only the
client can do, one entry at a time. Everything a person writes is encrypted at rest.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from tending.accounts.models import ClientProfile, User
from tending.encryption.fields import EncryptedTextField
from tending.journal import letters


def shared_with_clinician(*, via: str = "") -> models.Q:
    """The sharing rule: a clinician may read an entry only while its client shares it,
    which only a saved entry (never a draft letter) can be. `via` is the path from the model
    queried to the entry ("entry__" for replies). `JournalEntry.is_shared` is the same rule
    for one entry in hand."""
    return models.Q(**{f"{via}shared_at__isnull": False, f"{via}status": "saved"})


class JournalEntry(models.Model):
    """One entry. Its text lives in its parts: one for a free entry, one per prompt or step.

    `token` is made when the form is shown, so a double tap or a retry finds the same entry.
    `version` goes up with every change, so two tabs or devices cannot silently overwrite each
    other's text.
    """

    class Kind(models.TextChoices):
        REFLECTION = "reflection", "Reflection"
        LETTER = "letter", "Compassionate letter"
        FREE = "free", "Journal entry"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SAVED = "saved", "Saved"

    class Voice(models.TextChoices):
        THIRD = letters.THIRD_PERSON, "You"
        FIRST = letters.FIRST_PERSON, "I"

    class Writer(models.TextChoices):
        SELF = letters.COMPASSIONATE_SELF, "Compassionate self"
        OTHER = letters.COMPASSIONATE_OTHER, "Compassionate other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        ClientProfile, on_delete=models.CASCADE, related_name="journal_entries"
    )
    token = models.UUIDField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SAVED)
    title = EncryptedTextField(blank=True)
    # Reflections written at the end of a "not my fault" module record which text they answer.
    module_key = models.SlugField(max_length=80, blank=True)
    module_version = models.PositiveIntegerField(null=True, blank=True)
    voice = models.CharField(max_length=8, choices=Voice.choices, blank=True)
    writer = models.CharField(max_length=8, choices=Writer.choices, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="journal_entry_client_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["client", "token"], name="journal_entry_token_unique"),
            models.CheckConstraint(
                condition=models.Q(status="saved") | models.Q(kind="letter"),
                name="journal_only_letters_are_drafts",
            ),
            models.CheckConstraint(
                condition=models.Q(shared_at__isnull=True) | models.Q(status="saved"),
                name="journal_drafts_are_never_shared",
            ),
        ]

    def __str__(self) -> str:
        # Never the title: it is the client's own words, and __str__ ends up in logs.
        return f"{self.get_kind_display()} {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("journal_entry", kwargs={"entry_id": self.public_id})

    @property
    def is_shared(self) -> bool:
        """The sharing rule (`shared_with_clinician`) for this entry."""
        return self.shared_at is not None and self.status == self.Status.SAVED

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def display_title(self) -> str:
        return self.title or self.get_kind_display()

    @cached_property
    def texts(self) -> dict[str, str]:
        """Return each part's text by key (uses prefetched parts when there are some)."""
        return {part.key: part.text for part in self.parts.all()}

    def letter_paragraphs(self) -> list[str]:
        return letters.assemble(self.texts)

    @property
    def excerpt(self) -> str:
        """Return the first words the client wrote, for their own list of entries."""
        return next((text for text in self.texts.values() if text), "")

    @property
    def resume_step(self) -> int:
        """Return the letter step to carry on from: settling first, else the first unwritten."""
        if not any(self.texts.values()):
            return 1
        for step in letters.WRITING_STEPS:
            if not self.texts.get(step.key):
                return step.number
        return letters.LAST_STEP


class EntryPart(models.Model):
    """One written part of an entry: the answer to one prompt, one letter step, or the body.

    `prompt` is Tending's own wording of the question, copied when the entry was made, so the
    entry still reads right if a module's text changes later.
    """

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="parts")
    key = models.SlugField(max_length=40)
    position = models.PositiveSmallIntegerField()
    prompt = models.CharField(max_length=300, blank=True)
    text = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "key"], name="journal_part_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} of {self.entry}"


class Reply(models.Model):
    """A clinician's note on a shared entry, pointing out what was compassionate in it."""

    class Noticed(models.TextChoices):
        WARMTH = "warmth", "Warmth"
        UNDERSTANDING = "understanding", "Understanding"
        WISE_ACTION = "wise_action", "Wise ideas for action"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token = models.UUIDField()
    noticed = models.JSONField(default=list, blank=True)  # keys of Noticed
    body = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "token"], name="journal_reply_token_unique"),
        ]

    def __str__(self) -> str:
        return f"Reply {self.public_id}"

    @property
    def noticed_labels(self) -> list[str]:
        labels = dict(self.Noticed.choices)
        return [labels[key] for key in self.noticed if key in labels]
