from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate


def _remove_recording_file(sender: Any, instance: Any, **kwargs: Any) -> None:
    from tending.practices.services import remove_recording_file

    remove_recording_file(instance)


def _load_builtin_library(sender: AppConfig, **kwargs: Any) -> None:
    # `migrate` keeps the built-in library in step with the files, as `load-practices` does.
    from tending.practices.services import load_builtin_practices

    load_builtin_practices(using=kwargs.get("using", "default"))


class PracticesConfig(AppConfig):
    name = "tending.practices"
    label = "practices"
    verbose_name = "Practices"

    def load_demo_data(self) -> str:
        """Called by `tending demo-data` after the demo organisations exist."""
        from tending.practices.demo import load_practice_history

        return f"Practice history: {load_practice_history()} new practice logs."

    def ready(self) -> None:
        from tending.practices import checks  # noqa: F401  (registers the system check)

        post_migrate.connect(_load_builtin_library, sender=self)
        # Files are not rows: when a recording's row goes (even by cascade), its file follows.
        post_delete.connect(_remove_recording_file, sender=self.get_model("PracticeRecording"))
