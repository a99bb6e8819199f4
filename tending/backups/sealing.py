"""Encrypt and decrypt a backup archive as a stream, so its size is not limited by memory.

The format is the "online authenticated encryption" construction used by streaming AEADs
(Hoang, Reyhanitabar, Rogaway and Vizár, CRYPTO 2015, "STREAM"): the plaintext is cut into
segments, each sealed with AES-256-GCM under a nonce made of a random per-file prefix, the
segment's number and a flag that marks the last segment. Reordering, dropping, repeating or
truncating segments therefore fails authentication, as does any change to a byte.

File layout: MAGIC, a 7-byte nonce prefix, then segments, each a 1-byte last flag, a 4-byte
big-endian length and the ciphertext (plaintext plus the 16-byte tag).
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"TENDING-BACKUP-1"
SEGMENT = 1024 * 1024
_PREFIX = 7
_HEADER = struct.Struct(">BI")


class SealError(Exception):
    """The archive is not a Tending backup, was altered or cut short, or the key is wrong."""


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    if number >= 2**32:
        raise SealError("The archive is too large for one backup file.")
    return prefix + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class SealedWriter:
    """A write-only file object that seals what is written into `target`; call `close()`."""

    def __init__(self, target: BinaryIO, key: bytes) -> None:
        self._aead = AESGCM(key)
        self._prefix = os.urandom(_PREFIX)
        self._header = MAGIC + self._prefix
        self._target = target
        self._buffer = bytearray()
        self._number = 0
        self._closed = False
        target.write(self._header)

    def _emit(self, chunk: bytes, last: bool) -> None:
        nonce = _nonce(self._prefix, self._number, last)
        sealed = self._aead.encrypt(nonce, chunk, self._header)
        self._target.write(_HEADER.pack(1 if last else 0, len(sealed)))
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


class UnsealedReader:
    """A read-only file object over a sealed archive; raises SealError on any tampering.

    Every byte it returns has been authenticated; a cut or altered file raises before its
    end is reached, so callers must still treat what they wrote so far as untrusted.
    """

    def __init__(self, source: BinaryIO, key: bytes) -> None:
        self._aead = AESGCM(key)
        self._source = source
        header = source.read(len(MAGIC) + _PREFIX)
        if len(header) != len(MAGIC) + _PREFIX or not header.startswith(MAGIC):
            raise SealError("This file is not a Tending backup.")
        self._header = header
        self._prefix = header[len(MAGIC) :]
        self._number = 0
        self._buffer = b""
        self._done = False

    def _next_segment(self) -> None:
        frame = self._source.read(_HEADER.size)
        if len(frame) != _HEADER.size:
            raise SealError("The backup ends early: it was cut short or damaged.")
        flag, length = _HEADER.unpack(frame)
        sealed = self._source.read(length)
        if flag not in (0, 1) or len(sealed) != length or length > SEGMENT + 16:
            raise SealError("The backup is damaged.")
        try:
            plain = self._aead.decrypt(
                _nonce(self._prefix, self._number, flag == 1), sealed, self._header
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


def seal(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    """Read `source` to its end and write it to `target`, encrypted and authenticated."""
    writer = SealedWriter(target, key)
    while chunk := source.read(SEGMENT):
        writer.write(chunk)
    writer.close()


def unseal(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    """Decrypt a sealed archive into `target`; raise SealError unless it is whole and unaltered."""
    reader = UnsealedReader(source, key)
    while chunk := reader.read(SEGMENT):
        target.write(chunk)
