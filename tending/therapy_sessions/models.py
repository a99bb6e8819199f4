"""Therapy session records with notes by CFT layer and lever, and the therapist's own development.

A session note is a draft until its author signs it. Signing freezes it: the row, its layer
notes and its links refuse every change and deletion from then on (here on the model, and again
in the services), and only addenda can be added below it.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.db import models
from django.urls import reverse

from tending.accounts.models import ClientProfile, User
from tending.assignments.models import Assignment
from tending.encryption.fields import EncryptedTextField
from tending.practices import library
from tending.practices.models import Practice
from tending.therapy_sessions import prompts

LAYER_CHOICES = sorted(library.LAYERS.items())
SHORT_LAYER_NAMES = {1: "Relationship", 2: "Understanding", 3: "Awareness", 4: "Practices"}


class SessionLocked(Exception):
    """A signed session note cannot be changed or deleted; only addenda can be added."""


class TherapySessionQuerySet(models.QuerySet["TherapySession"]):
    def update(self, **kwargs: Any) -> int:
        if self.filter(signed_at__isnull=False).exists():
            raise SessionLocked("Signed session notes cannot be changed.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(signed_at__isnull=False).exists():
            raise SessionLocked("Signed session notes cannot be deleted.")
        return super().delete()


class TherapySession(models.Model):
    """One session with a client: the facts, the notes by layer, and whether it is signed.

    `token` is made when the new-session form is rendered, so a double submit or a retry makes
    one record; `last_edit_token` does the same for edits. `version` goes up with every saved
    edit, so two people saving from the same starting point never silently overwrite each other.
    `attached_week` is the practice and score summary frozen when the note was signed.
    """

    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        CANCELLED_BY_CLIENT = "cancelled_client", "Cancelled by the client"
        CANCELLED_BY_CLINICIAN = "cancelled_clinician", "Cancelled by the clinician"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video"
        PHONE = "phone", "Phone"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        ClientProfile, on_delete=models.CASCADE, related_name="therapy_sessions"
    )
    clinician = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    token = models.UUIDField()
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField()
    attendance = models.CharField(max_length=24, choices=Attendance.choices)
    format = models.CharField(max_length=16, choices=Format.choices)
    summary = EncryptedTextField(blank=True)
    risk_reviewed = models.BooleanField(default=False)
    risk_note = EncryptedTextField(blank=True)
    practices: models.ManyToManyField[Practice, SessionPractice] = models.ManyToManyField(
        Practice, through="SessionPractice", related_name="+", blank=True
    )
    homework: models.ManyToManyField[Assignment, SessionHomework] = models.ManyToManyField(
        Assignment, through="SessionHomework", related_name="+", blank=True
    )
    version = models.PositiveIntegerField(default=1)
    last_edit_token = models.UUIDField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attached_week = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TherapySessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", models.F("start_time").desc(nulls_last=True), "-id"]
        indexes = [models.Index(fields=["client", "-date"], name="sessions_client_date_idx")]
        constraints = [
            models.UniqueConstraint(fields=["client", "token"], name="sessions_token_unique"),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=600),
                name="sessions_minutes_1_to_600",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(signed_at__isnull=True, signed_by__isnull=True)
                    | models.Q(signed_at__isnull=False, signed_by__isnull=False)
                ),
                name="sessions_signed_with_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"Session with {self.client} on {self.date:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.is_signed_in_database():
            raise SessionLocked("Signed session notes cannot be changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("session_detail", kwargs={"session_id": self.public_id})

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.signed_at is not None or self.is_signed_in_database():
            raise SessionLocked("Signed session notes cannot be deleted.")
        return super().delete(*args, **kwargs)

    def is_signed_in_database(self) -> bool:
        """Return True if the stored row is signed, whatever this instance holds."""
        return TherapySession.objects.filter(pk=self.pk, signed_at__isnull=False).exists()

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class LayerNote(models.Model):
    """What happened in one CFT layer in one session, and which levers the therapist used.

    A row exists only for a layer that has a note or a lever; a session has at most one per
    layer. The levers are four booleans (not a list) so they can be counted in SQL.
    """

    session = models.ForeignKey(TherapySession, on_delete=models.CASCADE, related_name="layers")
    layer = models.PositiveSmallIntegerField(choices=LAYER_CHOICES)
    text = EncryptedTextField(blank=True)
    lever_support = models.BooleanField(default=False)
    lever_model = models.BooleanField(default=False)
    lever_shape = models.BooleanField(default=False)
    lever_train = models.BooleanField(default=False)

    class Meta:
        ordering = ["layer"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "layer"], name="sessions_one_note_per_layer"
            ),
            models.CheckConstraint(
                condition=models.Q(layer__gte=1, layer__lte=4), name="sessions_layer_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"Layer {self.layer} of {self.session_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if _session_signed(self.session_id):
            raise SessionLocked("Signed session notes cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if _session_signed(self.session_id):
            raise SessionLocked("Signed session notes cannot be changed.")
        return super().delete(*args, **kwargs)

    @property
    def layer_name(self) -> str:
        return library.LAYERS[self.layer]

    @property
    def short_name(self) -> str:
        return SHORT_LAYER_NAMES[self.layer]

    @property
    def levers(self) -> list[str]:
        """The keys of the levers used, in the order of `library.LEVERS`."""
        return [key for key in library.LEVERS if getattr(self, f"lever_{key}")]

    @property
    def lever_labels(self) -> list[str]:
        return [library.LEVERS[key] for key in self.levers]


def _session_signed(session_id: int) -> bool:
    return TherapySession.objects.filter(pk=session_id, signed_at__isnull=False).exists()


class SessionPractice(models.Model):
    """A practice done together in a session. RESTRICT: a linked practice cannot be removed."""

    session = models.ForeignKey(TherapySession, on_delete=models.CASCADE, related_name="+")
    practice = models.ForeignKey(Practice, on_delete=models.RESTRICT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "practice"], name="sessions_practice_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} in {self.session_id}"


class SessionHomework(models.Model):
    """Homework set (or reviewed) in a session: a link to the client's assignment."""

    session = models.ForeignKey(TherapySession, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.RESTRICT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "assignment"], name="sessions_homework_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} in {self.session_id}"


class SessionAddendum(models.Model):
    """A dated note added below a signed session note. Addenda are never changed or removed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(TherapySession, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    token = models.UUIDField()
    text = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "token"], name="sessions_addendum_token"),
        ]

    def __str__(self) -> str:
        return f"Addendum to {self.session_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise SessionLocked("Addenda cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise SessionLocked("Addenda cannot be deleted.")


class OwnPractice(models.Model):
    """A time the clinician practised themselves. Private to them: nobody else ever sees it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinician = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField()
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    practised_on = models.DateField()
    minutes = models.PositiveSmallIntegerField()
    note = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-practised_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "token"], name="sessions_own_practice_token"
            ),
        ]

    def __str__(self) -> str:
        return f"Own practice on {self.practised_on:%Y-%m-%d}"


class Reflection(models.Model):
    """The clinician's answer to a development prompt (see `prompts.py`). Private to them.

    An optional `client` (on the author's own caseload when written) lets the author find it
    again on that client's sessions page; it is never shown to anyone else.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinician = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField()
    layer = models.PositiveSmallIntegerField(choices=LAYER_CHOICES)
    prompt = models.CharField(max_length=40)
    text = EncryptedTextField()
    client = models.ForeignKey(
        ClientProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["clinician", "client"], name="sessions_reflection_client_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "token"], name="sessions_reflection_token"
            ),
            models.CheckConstraint(
                condition=models.Q(layer__gte=1, layer__lte=4),
                name="sessions_reflection_layer_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"Reflection on layer {self.layer} at {self.created_at:%Y-%m-%d}"

    @property
    def layer_name(self) -> str:
        return library.LAYERS[self.layer]

    @property
    def prompt_text(self) -> str:
        prompt = prompts.BY_KEY.get(self.prompt)
        return prompt.text if prompt else ""
