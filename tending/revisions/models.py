"""Revision counters: a number per client and per clinician's caseload that moves, in the same
transaction, with every change a cached page shows (see `services.py`).

They point at their client and clinician by model name, not by import, so that `accounts`
can move them too without depending on this app's callers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ClientRevision(models.Model):
    client = models.OneToOneField(
        "accounts.ClientProfile", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"revision {self.number} of {self.client_id}"


class CaseloadRevision(models.Model):
    clinician = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"revision {self.number} of {self.clinician_id}'s caseload"
