"""The field-encryption keys: loading, the MultiFernet that uses them, and making new ones."""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "f1:"  # format version: lets a later scheme live beside this one


class DecryptionError(Exception):
    """Stored text could not be decrypted with any configured key. Nothing is shown instead."""


class KeyConfigurationError(Exception):
    """TENDING_FIELD_ENCRYPTION_KEYS is missing or holds something that is not a Fernet key."""


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise KeyConfigurationError("No field encryption keys are configured.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError:
        raise KeyConfigurationError(
            "A field encryption key is not a valid Fernet key (32 url-safe base64 bytes)."
        ) from None


def fernet() -> MultiFernet:
    """Return the MultiFernet for the configured keys; the first key encrypts."""
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return PREFIX + fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    """Return the plaintext of `stored`; raise DecryptionError for anything else."""
    if not stored.startswith(PREFIX):
        raise DecryptionError("Stored value is not in Tending's encrypted format.")
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except (InvalidToken, UnicodeDecodeError):
        raise DecryptionError("No configured key decrypts this value.") from None


def is_ciphertext(value: str) -> bool:
    """Return True if `value` is Tending ciphertext that a configured key opens."""
    if not value.startswith(PREFIX):
        return False
    try:
        decrypt(value)
    except DecryptionError:
        return False
    return True


def rotate(stored: str) -> str:
    """Return `stored` re-encrypted under the newest key (any configured key may decrypt it)."""
    if not stored.startswith(PREFIX):
        raise DecryptionError("Stored value is not in Tending's encrypted format.")
    try:
        return PREFIX + fernet().rotate(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise DecryptionError("No configured key decrypts this value.") from None


def new_key() -> str:
    return Fernet.generate_key().decode()
