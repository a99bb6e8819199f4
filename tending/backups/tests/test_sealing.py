from __future__ import annotations

import io
import os

import pytest

from tending.backups.sealing import MAGIC, SEGMENT, SealError, unseal

from .legacy import seal


def _sealed(data: bytes, key: bytes) -> bytes:
    out = io.BytesIO()
    seal(io.BytesIO(data), out, key)
    return out.getvalue()


def _opened(sealed: bytes, key: bytes) -> bytes:
    out = io.BytesIO()
    unseal(io.BytesIO(sealed), out, key)
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 5])
def test_it_gives_back_exactly_what_was_sealed(size):
    key = os.urandom(32)
    data = os.urandom(size)
    sealed = _sealed(data, key)

    assert _opened(sealed, key) == data
    if size >= 32:  # long enough that a chance match in random ciphertext cannot happen
        assert data[:32] not in sealed


def test_it_refuses_the_wrong_key():
    sealed = _sealed(b"therapy notes" * 100, os.urandom(32))

    with pytest.raises(SealError, match="key is wrong or the file was altered"):
        _opened(sealed, os.urandom(32))


def test_it_refuses_a_changed_byte_anywhere():
    key = os.urandom(32)
    sealed = bytearray(_sealed(os.urandom(2 * SEGMENT + 10), key))
    for position in (len(MAGIC) + 2, len(MAGIC) + 20, SEGMENT + 100, len(sealed) - 1):
        altered = bytearray(sealed)
        altered[position] ^= 0x01
        with pytest.raises(SealError):
            _opened(bytes(altered), key)


def test_it_refuses_a_file_cut_short_even_at_a_segment_boundary():
    key = os.urandom(32)
    data = os.urandom(2 * SEGMENT + 10)
    sealed = _sealed(data, key)
    first_segment_end = len(MAGIC) + 7 + 5 + SEGMENT + 16

    for cut in (len(sealed) - 1, first_segment_end, len(MAGIC) + 7):
        with pytest.raises(SealError, match=r"ends early|damaged"):
            _opened(sealed[:cut], key)


def test_it_refuses_segments_in_another_order_or_extra_data():
    key = os.urandom(32)
    sealed = _sealed(os.urandom(3 * SEGMENT), key)
    header = len(MAGIC) + 7
    frame = 5 + SEGMENT + 16
    first, second = sealed[header : header + frame], sealed[header + frame : header + 2 * frame]
    swapped = sealed[:header] + second + first + sealed[header + 2 * frame :]

    with pytest.raises(SealError):
        _opened(swapped, key)
    with pytest.raises(SealError, match="after its end"):
        _opened(sealed + b"x", key)


def test_it_refuses_a_file_that_is_not_a_backup():
    with pytest.raises(SealError, match="not a Tending backup"):
        _opened(b"SQLite format 3\x00" + b"\x00" * 100, os.urandom(32))
