"""Revision counters that key the report caches. Reports own no clinical data.

A counter moves in the same transaction as any change a report shows (see `signals.py`), so
a cached report is only reused while nothing it depends on has changed.
"""

from __future__ import annotations

from django.db import models

from tending.accounts.models import ClientProfile, User


class ClientRevision(models.Model):
    client = models.OneToOneField(
        ClientProfile, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"revision {self.number} of {self.client_id}"


class CaseloadRevision(models.Model):
    clinician = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"revision {self.number} of {self.clinician_id}'s caseload"
