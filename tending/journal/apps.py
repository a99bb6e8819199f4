from __future__ import annotations

from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "tending.journal"
    label = "journal"
    verbose_name = "Private journal"

    def load_demo_data(self) -> str:
        """Called by `tending demo-data` after the demo organisations exist."""
        from tending.journal.demo import load_journal

        return f"Journal: {load_journal()} new journal entries."
