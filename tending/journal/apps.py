from __future__ import annotations

from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "tending.journal"
    label = "journal"
    verbose_name = "Private journal"
