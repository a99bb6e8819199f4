from __future__ import annotations

from django.apps import AppConfig


class TherapySessionsConfig(AppConfig):
    name = "tending.therapy_sessions"
    label = "therapy_sessions"
    verbose_name = "Therapy sessions"

    def load_demo_data(self) -> str:
        """Called by `tending demo-data` after the demo practice, answers and homework exist."""
        from tending.therapy_sessions.demo import load_sessions

        sessions, entries = load_sessions()
        return f"Therapy sessions: {sessions} new session notes, {entries} development entries."
