"""Who can open a backup: the age recipients new backups are encrypted to, and the identity or
passphrase a restore opens them with (https://age-encryption.org/v1).

Production names its recipients in TENDING_BACKUP_RECIPIENTS (age public keys, or a file of
them) or sets TENDING_BACKUP_PASSPHRASE instead: an age file opens either with identities or with
one passphrase, never both. A restore reads the identity from TENDING_BACKUP_IDENTITY_FILE or
`tending restore --identity`; the server that makes backups needs only the public keys. A
development machine makes an identity in the data folder on first use and encrypts to it.

Backups made before age open with the symmetric TENDING_BACKUP_KEY (see sealing.py); new ones
never use it. No identity, passphrase or key is ever inside a backup, nor are the
field-encryption keys: a restore needs both, from wherever the operator keeps secrets.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
from django.conf import settings
from pyrage import x25519

DEVELOPMENT_IDENTITY = "backup_identity.txt"
PASSPHRASE_MINIMUM = 12


class BackupKeyError(Exception):
    """The recipients, identity, passphrase or old backup key are missing or unusable."""


@dataclass(frozen=True)
class Recipients:
    """What a new backup is encrypted to: age public keys, or else one passphrase."""

    public_keys: tuple[Any, ...] = ()  # pyrage.x25519.Recipient
    passphrase: str = ""


def recipients() -> Recipients:
    """Return the configured recipients; in development, those of the identity restores use."""
    configured, passphrase = settings.BACKUP_RECIPIENTS, settings.BACKUP_PASSPHRASE
    if configured and passphrase:
        raise BackupKeyError(
            "Set TENDING_BACKUP_RECIPIENTS or TENDING_BACKUP_PASSPHRASE, not both: an age file "
            "opens with public keys or with one passphrase."
        )
    if passphrase:
        if len(passphrase) < PASSPHRASE_MINIMUM:
            raise BackupKeyError(
                f"TENDING_BACKUP_PASSPHRASE must be at least {PASSPHRASE_MINIMUM} characters."
            )
        return Recipients(passphrase=passphrase)
    if configured:
        return Recipients(public_keys=_public_keys(configured))
    if settings.PRODUCTION:
        raise BackupKeyError(
            "TENDING_BACKUP_RECIPIENTS (or TENDING_BACKUP_PASSPHRASE) is required in production."
        )
    # Development encrypts to the identity it restores with, making one on first use.
    if settings.BACKUP_IDENTITY_FILE:
        found = identities(Path(settings.BACKUP_IDENTITY_FILE))
    else:
        found = identities(_development_identity())
    return Recipients(public_keys=tuple(identity.to_public() for identity in found))


def _lines(text: str) -> list[str]:
    """Return the entries of an age recipients or identity file: no blank or # lines."""
    stripped = (line.strip() for line in text.splitlines())
    return [line for line in stripped if line and not line.startswith("#")]


def _public_keys(configured: str) -> tuple[Any, ...]:
    items = [item.strip() for item in configured.split(",") if item.strip()]
    if all(item.startswith("age1") for item in items):
        source = "TENDING_BACKUP_RECIPIENTS"
    else:
        source = configured
        try:
            items = _lines(Path(configured).read_text())
        except (OSError, UnicodeDecodeError):
            raise BackupKeyError(
                "TENDING_BACKUP_RECIPIENTS must be age public keys (age1...) separated by "
                f"commas, or a file of them; {configured} is neither."
            ) from None
    try:
        keys = tuple(x25519.Recipient.from_str(item) for item in items)
    except pyrage.RecipientError:
        raise BackupKeyError(
            f"{source} holds something that is not an age public key (age1...)."
        ) from None
    if not keys:
        raise BackupKeyError(f"{source} holds no age public key (age1...).")
    return keys


def identities(path: Path) -> list[Any]:
    """Return the age identities (pyrage.x25519.Identity) in the identity file at `path`."""
    try:
        entries = _lines(path.read_text())
    except (OSError, UnicodeDecodeError):
        raise BackupKeyError(
            f"Cannot read the backup identity file {path}: give the one that opens this backup "
            "with --identity FILE or TENDING_BACKUP_IDENTITY_FILE."
        ) from None
    try:
        found = [x25519.Identity.from_str(entry) for entry in entries]
    except pyrage.IdentityError:
        raise BackupKeyError(
            f"{path} holds a line that is not an age identity (AGE-SECRET-KEY-1...)."
        ) from None
    if not found:
        raise BackupKeyError(f"{path} holds no age identity (AGE-SECRET-KEY-1...).")
    return found


def restore_identity_file(path: Path | None = None) -> Path:
    """Return the identity file a restore uses: `path`, else TENDING_BACKUP_IDENTITY_FILE, else
    (in development) the one made in the data folder."""
    if path is not None:
        return path
    if settings.BACKUP_IDENTITY_FILE:
        return Path(settings.BACKUP_IDENTITY_FILE)
    if settings.PRODUCTION:
        raise BackupKeyError(
            "This backup opens with the identity that matches TENDING_BACKUP_RECIPIENTS: set "
            "TENDING_BACKUP_IDENTITY_FILE or pass --identity FILE."
        )
    return settings.DATA_DIR / DEVELOPMENT_IDENTITY


def restore_passphrase() -> str:
    """Return the passphrase a restore tries on a backup made with one."""
    if not settings.BACKUP_PASSPHRASE:
        raise BackupKeyError(
            "This backup was made with a passphrase: set TENDING_BACKUP_PASSPHRASE to restore it."
        )
    return str(settings.BACKUP_PASSPHRASE)


def new_identity(path: Path) -> str:
    """Write a new age identity to `path` (never over an existing file); return its public key."""
    identity = x25519.Identity.generate()
    public_key = str(identity.to_public())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupKeyError(f"{path} already exists; choose another file.") from None
    except OSError as error:
        raise BackupKeyError(f"Cannot write {path}: {error.strerror}.") from None
    with os.fdopen(fd, "w") as handle:
        handle.write(
            "# Opens Tending backups: tending restore --identity FILE, or age -d -i FILE.\n"
            f"# public key: {public_key}\n"
            f"{identity}\n"
        )
    return public_key


def _development_identity() -> Path:
    path = settings.DATA_DIR / DEVELOPMENT_IDENTITY
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            new_identity(path)
        except BackupKeyError:
            if not path.exists():  # not merely made meanwhile by another process
                raise
    return path


def legacy_key() -> bytes:
    """Return the key that opens a backup made before age: TENDING_BACKUP_KEY, else (in
    development) the `backup_key` file an older Tending made in the data folder."""
    text = settings.BACKUP_KEY
    path = settings.DATA_DIR / "backup_key"
    if not text and not settings.PRODUCTION and path.exists():
        text = path.read_text()
    if not text:
        raise BackupKeyError(
            "This backup is in the format used before age: set TENDING_BACKUP_KEY to the key "
            "it was made with."
        )
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupKeyError("TENDING_BACKUP_KEY must be 32 random bytes in url-safe base64.")
    return key
