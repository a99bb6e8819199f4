"""Practices, therapists' recordings of them, and the log of what clients practised."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.urls import reverse

from tending.accounts.models import ClientProfile, Organisation, User
from tending.encryption.fields import EncryptedTextField
from tending.practices import library


class Practice(models.Model):
    """A CFT practice: built in (no organisation) or written by an organisation's clinician."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(max_length=80)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="practices"
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=80)
    summary = models.CharField(max_length=300)
    layer = models.PositiveSmallIntegerField(choices=sorted(library.LAYERS.items()))
    processes = models.JSONField(default=list)
    aspects = models.JSONField(default=list)
    lever = models.CharField(max_length=16, choices=list(library.LEVERS.items()))
    kind = models.CharField(max_length=16, choices=list(library.KINDS.items()))
    minutes = models.PositiveSmallIntegerField()
    player = models.CharField(max_length=16, choices=list(library.PLAYERS.items()))
    steps = models.JSONField(default=list)  # [{"text": str, "seconds": int | None}]
    cautions = models.JSONField(default=list)
    alternatives = models.JSONField(default=list)  # keys of gentler practices
    sources = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(organisation__isnull=True),
                name="practices_builtin_key_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "key"], name="practices_org_key_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(layer__gte=1, layer__lte=4), name="practices_layer_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practice_detail", kwargs={"practice_id": self.public_id})

    @property
    def is_builtin(self) -> bool:
        return self.organisation_id is None

    @property
    def process_labels(self) -> list[str]:
        return [library.PROCESSES.get(p, p) for p in self.processes]

    @property
    def aspect_labels(self) -> list[str]:
        return [library.ASPECTS.get(a, a) for a in self.aspects]


class PracticeRecording(models.Model):
    """A clinician's own voice guiding a practice, heard by the clients on their caseload.

    The audio lives under TENDING_MEDIA_DIR (never the static root) with a server-made name and
    is served only through a view that checks who is asking.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="recordings")
    clinician = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recordings")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=8)
    size_bytes = models.PositiveIntegerField()
    duration_seconds = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "clinician"], name="practices_one_recording_per_clinician"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice} read by {self.clinician}"

    def get_absolute_url(self) -> str:
        return reverse("recording_audio", kwargs={"recording_id": self.public_id})

    @property
    def file_name(self) -> str:
        """A name Tending chose: the public id and the extension judged from the content."""
        return f"{self.public_id}{self.extension}"


class PracticeLog(models.Model):
    """One time a client practised: when, how long, how it ended and how it felt.

    `token` is made by the client's page before it posts, so a double tap, a retry or a resend
    after a lost connection finds the same row instead of making a second one.
    """

    class Outcome(models.TextChoices):
        COMPLETED = "completed", "Finished"
        STOPPED = "stopped", "Stopped early"

    class Feeling(models.TextChoices):
        SETTLING = "settling", "Settling"
        NEUTRAL = "neutral", "Neutral"
        STIRRED_UP = "stirred_up", "Stirred up"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        ClientProfile, on_delete=models.CASCADE, related_name="practice_logs"
    )
    token = models.UUIDField()
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="logs")
    practice_version = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    seconds_practised = models.PositiveIntegerField()
    before_threat = models.PositiveSmallIntegerField(null=True, blank=True)
    before_drive = models.PositiveSmallIntegerField(null=True, blank=True)
    before_soothe = models.PositiveSmallIntegerField(null=True, blank=True)
    after_threat = models.PositiveSmallIntegerField(null=True, blank=True)
    after_drive = models.PositiveSmallIntegerField(null=True, blank=True)
    after_soothe = models.PositiveSmallIntegerField(null=True, blank=True)
    feeling = models.CharField(max_length=16, choices=Feeling.choices, blank=True)
    note = EncryptedTextField(blank=True)
    note_shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["client", "-started_at"], name="practices_log_client_idx")]
        constraints = [
            models.UniqueConstraint(fields=["client", "token"], name="practices_log_token_unique"),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__lte": 10}) | models.Q(**{name: None}),
                    name=f"practices_log_{name}_0_to_10",
                )
                for name in (
                    "before_threat",
                    "before_drive",
                    "before_soothe",
                    "after_threat",
                    "after_drive",
                    "after_soothe",
                )
            ],
        ]

    def __str__(self) -> str:
        return f"{self.practice} at {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("practice_log_detail", kwargs={"log_id": self.public_id})

    @property
    def minutes(self) -> int:
        return max(1, round(self.seconds_practised / 60)) if self.seconds_practised else 0

    def check_in_changes(self) -> list[dict[str, Any]]:
        """Return before and after for threat, drive and soothe where both were given."""
        changes = []
        for system in ("threat", "drive", "soothe"):
            before = getattr(self, f"before_{system}")
            after = getattr(self, f"after_{system}")
            if before is not None and after is not None:
                changes.append(
                    {"system": system, "before": before, "after": after, "change": after - before}
                )
        return changes
