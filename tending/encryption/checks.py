"""Refuse to start with unusable encryption keys, rather than fail on the first record."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from tending.encryption.keys import KeyConfigurationError, decrypt, encrypt


@register()
def check_field_encryption_keys(**kwargs: Any) -> list[CheckMessage]:
    try:
        canary = "tending-canary"
        if decrypt(encrypt(canary)) != canary:
            raise KeyConfigurationError("The keys do not round-trip.")
    except KeyConfigurationError as error:
        return [Error(str(error), hint="Set TENDING_FIELD_ENCRYPTION_KEYS.", id="tending.E001")]
    return []
