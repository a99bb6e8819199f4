from __future__ import annotations

from django.apps import AppConfig


class TherapySessionsConfig(AppConfig):
    name = "tending.therapy_sessions"
    label = "therapy_sessions"
    verbose_name = "Therapy sessions"
