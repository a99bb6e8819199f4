"""Requests to complete a questionnaire, the responses, risk alerts and licensed wording."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import models
from django.urls import reverse

from tending.accounts.models import ClientProfile, Organisation, User


class MeasureRequest(models.Model):
    """A clinician asks a client to complete a questionnaire now."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        ClientProfile, on_delete=models.CASCADE, related_name="measure_requests"
    )
    measure_key = models.CharField(max_length=40)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    show_summary = models.BooleanField(
        default=False, help_text="Show the client a plain-language summary of their scores."
    )
    # Opened by the client from a homework item, not asked for directly by the clinician.
    from_homework = models.BooleanField(default=False)
    # For one opened from homework: the end of the window it was opened in (or the moment its
    # homework was paused or ended). It is not offered after that (H-024); answers sent
    # later are still saved, so no risk answer is lost.
    open_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.measure_key} for {self.client}"

    def get_absolute_url(self) -> str:
        return reverse("questionnaire_take", kwargs={"request_id": self.public_id})

    def is_offered(self, now: datetime) -> bool:
        """True while the client may open it: always when the clinician asked for it, and
        within its window when it was opened from homework."""
        if not self.from_homework:
            return True
        return self.open_until is not None and now < self.open_until

    @property
    def short_title(self) -> str:
        """The questionnaire's name as people say it ("PHQ-9"), for links and buttons."""
        from tending.measures.definitions import get_definition

        return get_definition(self.measure_key).short_title


class Response(models.Model):
    """One completed questionnaire, with the answers and the scores computed on submission.

    The definition key and version used for scoring are kept, so scores can be recomputed if
    a rule changes. `token` makes submission idempotent: the same form sent twice is one row.
    """

    class Source(models.TextChoices):
        CLIENT = "client", "Completed by the client"
        PAPER = "paper", "Entered from paper by a clinician"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(ClientProfile, on_delete=models.CASCADE, related_name="responses")
    token = models.UUIDField()
    request = models.ForeignKey(
        MeasureRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    measure_key = models.CharField(max_length=40)
    measure_version = models.PositiveIntegerField()
    source = models.CharField(max_length=8, choices=Source.choices)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField()  # {"1": 2, "2": null, …}
    complete = models.BooleanField()
    total = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    subscales = models.JSONField(default=dict)
    completed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_at", "-id"]
        indexes = [
            models.Index(
                fields=["client", "measure_key", "completed_at"], name="measures_resp_idx"
            ),
            # A client's answers by time, whatever the questionnaire (reports, homework).
            models.Index(fields=["client", "completed_at"], name="measures_resp_client_time"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["client", "token"], name="measures_response_token"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_key} by {self.client} on {self.completed_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("response_detail", kwargs={"response_id": self.public_id})

    def answer_map(self) -> dict[int, int | None]:
        return {int(number): value for number, value in self.answers.items()}


class MeasureWording(models.Model):
    """An organisation's licensed wording for a measure shipped as scoring only."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    measure_key = models.CharField(max_length=40)
    measure_version = models.PositiveIntegerField()
    instructions = models.TextField(blank=True)
    items = models.JSONField()  # ["text of item 1", …]
    labels = models.JSONField()  # one per answer on the scale
    licence = models.TextField()
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "measure_key"], name="measures_wording_per_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_key} wording for {self.organisation}"
