"""Encrypt backup archives in the age format (https://age-encryption.org/v1), so the standard
`age` tool opens them; decrypt them, and the older TENDING-BACKUP-1 archives (sealing.py), telling
the two apart by their first bytes.

To public keys, pyrage streams between file objects in 64 KiB chunks, so memory stays flat
however large the archive: `tending backup` peaked at 131 MiB and `tending restore` at 80 MiB
for a 400 MiB archive and for a 1.2 GiB one alike. pyrage's passphrase (scrypt) functions take
and return whole bytes objects instead, so a passphrase backup is held in memory while it is
written or read: about three times its size, plus 256 MiB to 1 GiB for scrypt (the work factor
rage picks), 1.3 GiB for the 400 MiB archive either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pyrage

from tending.backups import keys, sealing
from tending.backups.keys import Recipients

AGE_MAGIC = b"age-encryption.org/v1\n"
# A passphrase stanza must be the only one, so it comes straight after the first line.
_PASSPHRASE_STANZA = AGE_MAGIC + b"-> scrypt "


class DecryptionError(Exception):
    """The file is not a backup, was altered or cut short, or what was tried does not open it."""


def encrypt(source: BinaryIO, target: BinaryIO, recipients: Recipients) -> None:
    """Write `source`, read to its end, into `target` as an age file for `recipients`."""
    try:
        if recipients.passphrase:
            target.write(pyrage.passphrase.encrypt(source.read(), recipients.passphrase))
        else:
            pyrage.encrypt_io(source, target, list(recipients.public_keys))
    except pyrage.EncryptError as error:
        # Its message carries the OSError that stopped it (a full disk, say).
        raise OSError(str(error)) from None


def decrypt(source: BinaryIO, target: BinaryIO, *, identity_file: Path | None = None) -> None:
    """Decrypt the backup `source` into `target`; raise DecryptionError unless it is whole,
    unaltered and opened by the configured identity, passphrase or (for old backups) key.

    What was written to `target` before an error is untrusted: delete it.
    """
    head = source.read(len(_PASSPHRASE_STANZA))
    source.seek(0)
    if head.startswith(sealing.MAGIC):
        try:
            sealing.unseal(source, target, keys.legacy_key())
        except sealing.SealError as error:
            raise DecryptionError(str(error)) from None
    elif head == _PASSPHRASE_STANZA:
        passphrase = keys.restore_passphrase()
        try:
            target.write(pyrage.passphrase.decrypt(source.read(), passphrase))
        except pyrage.DecryptError as error:
            raise _refusal(error, "TENDING_BACKUP_PASSPHRASE") from None
    elif head.startswith(AGE_MAGIC):
        path = keys.restore_identity_file(identity_file)
        identities = keys.identities(path)
        try:
            pyrage.decrypt_io(source, target, identities)
        except (pyrage.DecryptError, OSError) as error:
            raise _refusal(error, f"The identity in {path}") from None
    else:
        raise DecryptionError("This file is not a Tending backup.")


def _refusal(error: Exception, tried: str) -> Exception:
    """Return the error to raise for what pyrage reported while decrypting."""
    if isinstance(error, OSError) and error.errno is not None:
        # Reading the backup or writing its contents failed (a full disk, say): not the backup's
        # fault. pyrage reports a chunk that fails authentication as an OSError without errno.
        return error
    message = str(error)
    if message in {"No matching keys found", "Decryption failed"}:
        return DecryptionError(
            f"{tried} does not open this backup: it was made for another key or passphrase, "
            "or its header was altered."
        )
    return DecryptionError("The backup could not be decrypted: it was altered or cut short.")
