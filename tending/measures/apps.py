from __future__ import annotations

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "tending.measures"
    label = "measures"
    verbose_name = "Questionnaires"

    def load_demo_data(self) -> str:
        """Called by `tending demo-data` after the demo organisations exist."""
        from tending.measures.demo import load_measure_history

        return f"Questionnaire history: {load_measure_history()} new responses."

    def ready(self) -> None:
        from tending.measures import checks  # noqa: F401  (registers the system check)
