from __future__ import annotations

from django.apps import AppConfig


class EncryptionConfig(AppConfig):
    name = "tending.encryption"
    label = "encryption"
    verbose_name = "Encryption at rest"

    def ready(self) -> None:
        from tending.encryption import checks  # noqa: F401  (registers the system check)
