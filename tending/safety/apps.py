from __future__ import annotations

from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "tending.safety"
    label = "safety"
    verbose_name = "Safety: contact details, safety plans and risk episodes"

    def load_demo_data(self) -> str:
        """Called by `tending demo-data` after the demo organisations exist."""
        from tending.safety.demo import load_safety_demo

        return load_safety_demo()
