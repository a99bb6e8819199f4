from __future__ import annotations

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "tending.measures"
    label = "measures"
    verbose_name = "Questionnaires"

    def ready(self) -> None:
        from tending.measures import checks  # noqa: F401  (registers the system check)
