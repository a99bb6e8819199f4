"""Read backups made before Tending wrote them in the age format (see encryption.py).

Nothing writes this format any more; `tending restore` still opens it, with TENDING_BACKUP_KEY
(see keys.legacy_key). The writer survives only in tending/backups/tests/legacy.py, so the
tests restore a real old backup.

The format is the "online authenticated encryption" construction used by streaming AEADs
(Hoang, Reyhanitabar, Rogaway and Vizár, CRYPTO 2015, "STREAM"): the plaintext is cut into
segments, each sealed with AES-256-GCM under a nonce made of a random per-file prefix, the
segment's number and a flag that marks the last segment. Reordering, dropping, repeating or
truncating segments therefore fails authentication, as does any change to a byte.

File layout: MAGIC, a 7-byte nonce prefix, then segments, each a 1-byte last flag, a 4-byte
big-endian length and the ciphertext (plaintext plus the 16-byte tag).
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"TENDING-BACKUP-1"
SEGMENT = 1024 * 1024
PREFIX = 7
FRAME = struct.Struct(">BI")


class SealError(Exception):
    """The archive is not a Tending backup, was altered or cut short, or the key is wrong."""


def nonce(prefix: bytes, number: int, last: bool) -> bytes:
    if number >= 2**32:
        raise SealError("The archive is too large for one backup file.")
    return prefix + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class UnsealedReader:
    """A read-only file object over a sealed archive; raises SealError on any tampering.

    Every byte it returns has been authenticated; a cut or altered file raises before its
    end is reached, so callers must still treat what they wrote so far as untrusted.
    """

    def __init__(self, source: BinaryIO, key: bytes) -> None:
        self._aead = AESGCM(key)
        self._source = source
        header = source.read(len(MAGIC) + PREFIX)
        if len(header) != len(MAGIC) + PREFIX or not header.startswith(MAGIC):
            raise SealError("This file is not a Tending backup.")
        self._header = header
        self._prefix = header[len(MAGIC) :]
        self._number = 0
        self._buffer = b""
        self._done = False

    def _next_segment(self) -> None:
        frame = self._source.read(FRAME.size)
        if len(frame) != FRAME.size:
            raise SealError("The backup ends early: it was cut short or damaged.")
        flag, length = FRAME.unpack(frame)
        sealed = self._source.read(length)
        if flag not in (0, 1) or len(sealed) != length or length > SEGMENT + 16:
            raise SealError("The backup is damaged.")
        try:
            plain = self._aead.decrypt(
                nonce(self._prefix, self._number, flag == 1), sealed, self._header
            )
        except InvalidTag:
            raise SealError(
                "The backup could not be decrypted: the key is wrong or the file was altered."
            ) from None
        if flag == 1:
            if self._source.read(1):
                raise SealError("The backup has data after its end: it was altered.")
            self._done = True
        self._number += 1
        self._buffer += plain

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            self._next_segment()
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def unseal(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    """Decrypt a sealed archive into `target`; raise SealError unless it is whole and unaltered."""
    reader = UnsealedReader(source, key)
    while chunk := reader.read(SEGMENT):
        target.write(chunk)
