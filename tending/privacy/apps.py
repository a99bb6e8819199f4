from __future__ import annotations

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "tending.privacy"
    label = "privacy"
    verbose_name = "Data-subject rights"

    def ready(self) -> None:
        from tending.privacy import checks  # noqa: F401  (registers the system check)
