"""Homework: a practice or questionnaire set for a client on a schedule, and its history."""

from __future__ import annotations

import uuid
from datetime import time

from django.db import models
from django.urls import reverse

from tending.accounts.models import ClientProfile, User
from tending.assignments import schedules
from tending.encryption.fields import EncryptedTextField
from tending.practices.models import Practice


class Assignment(models.Model):
    """What a clinician asks a client to do between sessions, and when."""

    class Kind(models.TextChoices):
        PRACTICE = "practice", "Practice"
        MEASURE = "measure", "Questionnaire"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    class Repeat(models.TextChoices):
        ONCE = schedules.ONCE, "Once"
        DAILY = schedules.DAILY, "Every day"
        WEEKDAYS = schedules.WEEKDAYS, "On chosen days of the week"
        EVERY_N_DAYS = schedules.EVERY_N_DAYS, "Every few days"
        EVERY_N_WEEKS = schedules.EVERY_N_WEEKS, "Every few weeks, on chosen days"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(ClientProfile, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    measure_key = models.CharField(max_length=40, blank=True)
    instructions = EncryptedTextField(blank=True)
    repeat = models.CharField(max_length=16, choices=Repeat.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    weekdays = models.JSONField(default=list)  # 0 = Monday … 6 = Sunday
    interval = models.PositiveSmallIntegerField(default=1)
    window_start = models.TimeField(null=True, blank=True)
    window_end = models.TimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    # Made by the form page, so a double submit creates one assignment, not two.
    token = models.UUIDField(default=uuid.uuid4)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "token"], name="assignments_token_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="practice", practice__isnull=False, measure_key="")
                    | models.Q(kind="measure", practice__isnull=True) & ~models.Q(measure_key="")
                ),
                name="assignments_practice_or_measure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} for {self.client}"

    def get_absolute_url(self) -> str:
        return reverse("assignment_edit", kwargs={"assignment_id": self.public_id})

    @property
    def title(self) -> str:
        if self.practice is not None:
            return self.practice.title
        return self.measure_key.upper()

    def schedule(self, time_zone: str | None = None) -> schedules.Schedule:
        """Return the pure schedule, in the client's time zone."""
        return schedules.Schedule(
            kind=self.repeat,
            start=self.start_date,
            end=self.end_date,
            weekdays=frozenset(self.weekdays),
            interval=self.interval,
            window_start=self.window_start,
            window_end=self.window_end,
            time_zone=time_zone or self.client.time_zone,
        )

    @property
    def window(self) -> tuple[time, time] | None:
        if self.window_start and self.window_end:
            return self.window_start, self.window_end
        return None


class AssignmentVersion(models.Model):
    """What an assignment said before each edit: edits keep their history."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="history")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "version"], name="assignments_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} v{self.version}"


class ReminderPreference(models.Model):
    """A client's own choice about e-mail reminders (on by default, at a time they pick)."""

    client = models.OneToOneField(
        ClientProfile, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    enabled = models.BooleanField(default=True)
    at = models.TimeField(default=time(9, 0), help_text="Local time, in the client's time zone.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reminders for {self.client}: {'on' if self.enabled else 'off'}"


class ReminderDelivery(models.Model):
    """One reminder for one occurrence. The unique row is claimed before the e-mail is sent,
    so two workers, a restarted worker or a repeated schedule never send it twice."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField()  # the client's local day of the occurrence
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "day"], name="assignments_one_reminder"),
        ]

    def __str__(self) -> str:
        return f"Reminder for {self.assignment} on {self.day}"
