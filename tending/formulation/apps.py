from __future__ import annotations

from django.apps import AppConfig


class FormulationConfig(AppConfig):
    name = "tending.formulation"
    label = "formulation"
    verbose_name = "Formulation and three circles"
