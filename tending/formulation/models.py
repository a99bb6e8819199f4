"""A client's threat-based formulation (versioned, co-authored), its links to practices, and
three-circles check-ins."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from tending.accounts.models import ClientProfile, User
from tending.assignments.models import Assignment
from tending.encryption.fields import EncryptedTextField
from tending.formulation.parts import PART_KEYS, PARTS


class Author(models.TextChoices):
    CLIENT = "client", "Client"
    CLINICIAN = "clinician", "Clinician"


class Formulation(models.Model):
    """One per client. The words live in immutable versions; `version` is the latest number.

    A save states the version it started from, so two people editing at once never overwrite
    each other (see `services.save_formulation`).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.OneToOneField(
        ClientProfile, on_delete=models.CASCADE, related_name="formulation"
    )
    version = models.PositiveIntegerField(default=0)  # 0: nothing written yet
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Formulation of {self.client} (version {self.version})"


class FormulationVersion(models.Model):
    """Every part of a formulation as one person saved it, once. Never changed afterwards."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    formulation = models.ForeignKey(Formulation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # Made by the form page, so a double submit or a retry stores one version.
    token = models.UUIDField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=16, choices=Author.choices)
    author_name = models.CharField(max_length=150)  # as it was when they saved
    history = EncryptedTextField(blank=True)
    threats_external = EncryptedTextField(blank=True)
    threats_internal = EncryptedTextField(blank=True)
    strategies_external = EncryptedTextField(blank=True)
    strategies_internal = EncryptedTextField(blank=True)
    consequences = EncryptedTextField(blank=True)
    self_relating = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["formulation", "number"], name="formulation_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["formulation", "token"], name="formulation_version_token_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} by {self.author_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A formulation version is never changed; save a new one.")
        super().save(*args, **kwargs)

    def texts(self) -> dict[str, str]:
        """Return every part's text by part key."""
        return {key: getattr(self, key) for key in PART_KEYS}

    @property
    def is_empty(self) -> bool:
        return not any(self.texts().values())


class FormulationLink(models.Model):
    """A clinician's note that a practice homework serves one part of the formulation.

    Kept apart from the versions: linking a practice is not an edit of anyone's words.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    formulation = models.ForeignKey(Formulation, on_delete=models.CASCADE, related_name="links")
    part = models.CharField(max_length=32, choices=[(p.key, p.title) for p in PARTS])
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="formulation_links"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # The same link asked for twice (a double submit) is one link.
            models.UniqueConstraint(
                fields=["formulation", "part", "assignment"], name="formulation_link_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} for {self.part}"


class CirclesCheckIn(models.Model):
    """How much threat, drive and soothe feature in someone's life now, from 0 to 10 each."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        ClientProfile, on_delete=models.CASCADE, related_name="circles_check_ins"
    )
    token = models.UUIDField()
    threat = models.PositiveSmallIntegerField()
    drive = models.PositiveSmallIntegerField()
    soothe = models.PositiveSmallIntegerField()
    threat_activators = EncryptedTextField(blank=True)
    drive_activators = EncryptedTextField(blank=True)
    soothe_activators = EncryptedTextField(blank=True)
    note = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_by_role = models.CharField(max_length=16, choices=Author.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="formulation_circles_client_idx")
        ]
        constraints = [
            models.UniqueConstraint(fields=["client", "token"], name="formulation_circles_token"),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__lte": 10}),
                    name=f"formulation_circles_{name}_0_to_10",
                )
                for name in ("threat", "drive", "soothe")
            ],
        ]

    def __str__(self) -> str:
        return f"Three circles for {self.client} at {self.created_at:%Y-%m-%d %H:%M}"

    def activators(self) -> list[tuple[str, str]]:
        """Return (system name, what activates it) for the systems that have a note."""
        pairs = [
            ("Threat", self.threat_activators),
            ("Drive", self.drive_activators),
            ("Soothe", self.soothe_activators),
        ]
        return [(name, text) for name, text in pairs if text]
