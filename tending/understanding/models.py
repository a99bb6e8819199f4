"""How far each client has worked through each "not my fault" module.

Progress holds dates and versions only. What the client wrote in reply lives in their private
journal (`JournalEntry` with `module_key`), which a clinician reads only if it is shared.
"""

from __future__ import annotations

import uuid

from django.db import models

from tending.accounts.models import ClientProfile


class ModuleProgress(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        ClientProfile, on_delete=models.CASCADE, related_name="module_progress"
    )
    module_key = models.SlugField(max_length=80)
    opened_at = models.DateTimeField()
    opened_version = models.PositiveIntegerField()  # the latest version the client opened
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_version = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "module_key"], name="understanding_progress_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True)
                | models.Q(finished_version__isnull=False),
                name="understanding_finished_has_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module_key} for client {self.client_id}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None
