"""Safety after a risk answer: a client's contact details, their safety plan (versioned,
written together), and risk episodes that group the risk answers a clinician must act on.

`measures` raises risk answers into this app (`services.raise_risk`); this app never
imports `measures`, so an answer keeps what the clinician needs to read (the measure's
name, the items and answers as the client saw them) and the response only by its id.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tending.accounts.models import ClientProfile, User
from tending.encryption.fields import EncryptedTextField
from tending.safety.plan_parts import PLAN_PART_KEYS


class Priority(models.TextChoices):
    HIGH = "high", "High"
    STANDARD = "standard", "Standard"


class Author(models.TextChoices):
    CLIENT = "client", "Client"
    CLINICIAN = "clinician", "Clinician"


CONTACT_FIELDS = (
    "mobile",
    "other_phone",
    "preferred_times",
    "emergency_name",
    "emergency_relationship",
    "emergency_phone",
)
PHONE_FIELDS = ("mobile", "other_phone", "emergency_phone")


class ContactDetails(models.Model):
    """How to reach a client, and whom they chose to name for an emergency. One per client.

    Every value is encrypted at rest. Phone numbers are stored as `phones.parse` returns
    them (E.164). `version` counts saves, so an edit started before someone else's save is
    refused instead of overwriting it; `token` is the one the last save's form page made, so
    the same form sent twice saves once.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.OneToOneField(
        ClientProfile, on_delete=models.CASCADE, related_name="contact_details"
    )
    mobile = EncryptedTextField(blank=True)
    other_phone = EncryptedTextField(blank=True)
    preferred_times = EncryptedTextField(blank=True)
    emergency_name = EncryptedTextField(blank=True)
    emergency_relationship = EncryptedTextField(blank=True)
    emergency_phone = EncryptedTextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    token = models.UUIDField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "contact details"

    def __str__(self) -> str:
        return f"Contact details of {self.client}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in CONTACT_FIELDS)

    def values(self) -> dict[str, str]:
        """Return every value by field name, decrypted."""
        return {name: getattr(self, name) for name in CONTACT_FIELDS}


class SafetyPlan(models.Model):
    """One per client. The words live in immutable versions; `version` is the latest number.

    `reviewed_at` is when a clinician last marked the plan reviewed (and which version).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.OneToOneField(
        ClientProfile, on_delete=models.CASCADE, related_name="safety_plan"
    )
    version = models.PositiveIntegerField(default=0)  # 0: nothing written yet
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Safety plan of {self.client} (version {self.version})"


class SafetyPlanVersion(models.Model):
    """Every part of a safety plan as one person saved it, once. Never changed afterwards."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    token = models.UUIDField()  # made by the form page: a double submit stores one version
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=16, choices=Author.choices)
    author_name = models.CharField(max_length=150)  # as it was when they saved
    warning_signs = EncryptedTextField(blank=True)
    on_my_own = EncryptedTextField(blank=True)
    distractions = EncryptedTextField(blank=True)
    people_to_ask = EncryptedTextField(blank=True)
    professionals = EncryptedTextField(blank=True)
    safer_surroundings = EncryptedTextField(blank=True)
    compassionate_words = EncryptedTextField(blank=True)
    feeling_safe = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="safety_plan_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["plan", "token"], name="safety_plan_version_token_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} by {self.author_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A safety plan version is never changed; save a new one.")
        super().save(*args, **kwargs)

    def texts(self) -> dict[str, str]:
        """Return every part's text by part key."""
        return {key: getattr(self, key) for key in PLAN_PART_KEYS}

    @property
    def is_empty(self) -> bool:
        return not any(self.texts().values())


class Action(models.TextChoices):
    """What a clinician did about a risk episode, recorded when they close it."""

    PHONED = "phoned", "Phoned the client"
    ASSESSED = "assessed", "Risk assessment"
    PLAN_REVIEWED = "plan_reviewed", "Safety plan reviewed"
    CRISIS_TEAM = "crisis_team", "Crisis team contacted"
    EMERGENCY = "emergency", "Emergency services"
    OTHER = "other", "Other"


class RiskEpisode(models.Model):
    """The risk answers of one client from the first until a clinician closes the episode.

    At most one open episode per client: a new risk answer joins it (and raises its priority
    if higher); after it is closed, the next answer opens a new one.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        ClientProfile, on_delete=models.CASCADE, related_name="risk_episodes"
    )
    priority = models.CharField(max_length=8, choices=Priority.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actions = models.JSONField(default=list, blank=True)  # Action values, in the order given
    note = EncryptedTextField(blank=True)
    # Set when a run of `tending send-risk-notifications` claims the escalation; `escalated_to`
    # (the public ids of the cover clinicians told) is filled once the e-mail has gone. A failed
    # send clears the claim again.
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(closed_at=None),
                name="safety_one_open_episode_per_client",
            )
        ]
        indexes = [models.Index(fields=["client", "closed_at"], name="safety_episode_open_idx")]

    def __str__(self) -> str:
        return f"{self.get_priority_display()} risk episode of {self.client}"

    def get_absolute_url(self) -> str:
        return reverse("risk_episode_detail", kwargs={"episode_id": self.public_id})

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def action_labels(self) -> list[str]:
        labels = dict(Action.choices)
        return [labels.get(action, action) for action in self.actions]

    def cover_recipients(self) -> models.QuerySet[User]:
        """Return who is told if this episode waits too long: the organisation's active cover
        clinicians, apart from the client's own clinician, who was told already."""
        return self.client.organisation.active_cover().exclude(pk=self.client.primary_clinician_id)

    def escalated_people(self) -> models.QuerySet[User]:
        """Return the cover clinicians this episode was escalated to."""
        return User.objects.filter(public_id__in=self.escalated_to).order_by("name", "pk")

    def was_escalated_to(self, user: User) -> bool:
        return str(user.public_id) in self.escalated_to

    @property
    def escalates_after_hours(self) -> int | None:
        """Return after how many hours unacknowledged this episode is escalated, or None when
        nobody would be told."""
        if not self.cover_recipients().exists():
            return None
        return self.client.organisation.escalation_hours


class RiskAnswer(models.Model):
    """One questionnaire response with a positive (or blank) risk item, inside its episode.

    Never changed after it is made, apart from `notified_at`. `response_id` is the public id
    of the measures response it came from; `items` keeps what the client saw and chose.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    episode = models.ForeignKey(RiskEpisode, on_delete=models.CASCADE, related_name="answers")
    client = models.ForeignKey(ClientProfile, on_delete=models.CASCADE, related_name="+")
    response_id = models.UUIDField(unique=True)
    measure_key = models.CharField(max_length=40)
    measure_title = models.CharField(max_length=120)
    # [{"item": 9, "answer": 2, "text": "…", "answer_label": "…"}]; answer None when left blank
    items = models.JSONField()
    priority = models.CharField(max_length=8, choices=Priority.choices)
    answered_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["answered_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_priority_display()} risk answer of {self.client} ({self.measure_title})"

    def get_absolute_url(self) -> str:
        return reverse("risk_episode_detail", kwargs={"episode_id": self.episode.public_id})
