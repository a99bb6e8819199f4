"""The backup key: 32 random bytes, url-safe base64, kept apart from the backups it opens.

Production reads it from TENDING_BACKUP_KEY. A development machine makes one on first use in
the data folder (never inside a backup). The field-encryption keys are not in backups either:
a restore needs both, from wherever the operator keeps secrets.
"""

from __future__ import annotations

import base64
import binascii
import os

from django.conf import settings


class BackupKeyError(Exception):
    """No usable backup key is configured."""


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _decode(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupKeyError(
            "TENDING_BACKUP_KEY must be 32 random bytes in url-safe base64 "
            "(make one with `tending backup --new-key`)."
        )
    return key


def backup_key() -> bytes:
    """Return the configured backup key, making a development one if none exists yet."""
    if settings.BACKUP_KEY:
        return _decode(settings.BACKUP_KEY)
    if settings.PRODUCTION:
        raise BackupKeyError("TENDING_BACKUP_KEY is required in production.")
    path = settings.DATA_DIR / "backup_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(new_key())
    return _decode(path.read_text())
