from __future__ import annotations

from django.apps import AppConfig


class FormulationConfig(AppConfig):
    name = "tending.formulation"
    label = "formulation"
    verbose_name = "Formulation and three circles"

    def load_demo_data(self) -> str:
        """Called by `tending demo-data` after the demo organisations and homework exist."""
        from tending.formulation.demo import load_formulation_demo

        return load_formulation_demo()
