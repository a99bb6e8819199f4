from __future__ import annotations

from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "tending.backups"
    label = "backups"
    verbose_name = "Backups"

    def ready(self) -> None:
        from tending.backups import checks  # noqa: F401  (registers the deploy check)
