from __future__ import annotations

from django.apps import AppConfig


class UnderstandingConfig(AppConfig):
    name = "tending.understanding"
    label = "understanding"
    verbose_name = "Understanding (not my fault)"

    def load_demo_data(self) -> str:
        """Called by `tending demo-data` after the demo organisations exist."""
        from tending.understanding.demo import load_module_progress

        return f"Understanding modules: {load_module_progress()} new module reflections."

    def ready(self) -> None:
        from tending.understanding import checks  # noqa: F401  (registers the system check)
