from __future__ import annotations

from django.apps import AppConfig


class UnderstandingConfig(AppConfig):
    name = "tending.understanding"
    label = "understanding"
    verbose_name = "Understanding (not my fault)"
