"""Write backups in the format Tending used before age (TENDING-BACKUP-1, `.tbk`), so the tests
restore a real old backup. Tending itself never writes this format any more (sealing.py)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tending.backups.encryption import decrypt
from tending.backups.sealing import FRAME, MAGIC, PREFIX, SEGMENT, nonce


class SealedWriter:
    """A write-only file object that seals what is written into `target`; call `close()`."""

    def __init__(self, target: BinaryIO, key: bytes) -> None:
        self._aead = AESGCM(key)
        self._prefix = os.urandom(PREFIX)
        self._header = MAGIC + self._prefix
        self._target = target
        self._buffer = bytearray()
        self._number = 0
        self._closed = False
        target.write(self._header)

    def _emit(self, chunk: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(nonce(self._prefix, self._number, last), chunk, self._header)
        self._target.write(FRAME.pack(1 if last else 0, len(sealed)))
        self._target.write(sealed)
        self._number += 1

    def write(self, data: bytes) -> int:
        self._buffer += data
        # Keep at least one byte back: only `close()` knows which segment is the last.
        while len(self._buffer) > SEGMENT:
            self._emit(bytes(self._buffer[:SEGMENT]), last=False)
            del self._buffer[:SEGMENT]
        return len(data)

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True


def seal(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    """Read `source` to its end and write it to `target`, encrypted and authenticated."""
    writer = SealedWriter(target, key)
    while chunk := source.read(SEGMENT):
        writer.write(chunk)
    writer.close()


def legacy_copy(backup: Path, key: bytes) -> Path:
    """Return a `.tbk` beside `backup` holding the same archive, sealed with `key` as before age.

    The tar inside did not change with age, so this is what an older Tending wrote.
    """
    plain = io.BytesIO()
    with backup.open("rb") as source:
        decrypt(source, plain)
    target = backup.with_name(backup.name.removesuffix(".tar.gz.age") + ".tbk")
    with target.open("xb") as handle:
        seal(io.BytesIO(plain.getvalue()), handle, key)
    return target
