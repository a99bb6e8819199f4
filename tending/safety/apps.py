from __future__ import annotations

from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "tending.safety"
    label = "safety"
    verbose_name = "Safety: contact details, safety plans and risk episodes"
