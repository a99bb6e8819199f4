"""What an uploaded audio file really is, judged from its bytes, never from its name.

`inspect_audio(content)` returns the container's content type, a file extension Tending
chooses, and the duration, or raises `AudioError` with a sentence a clinician can act on.
Durations come from mutagen for MP3, WAV, Ogg, FLAC and MP4/M4A, and from small readers for
what browsers' MediaRecorder produces and mutagen does not time: WebM (EBML) and fragmented MP4.
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import mutagen
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.wave import WAVE


class AudioError(Exception):
    """The upload is not audio Tending accepts; the message says what to do."""


@dataclass(frozen=True)
class AudioInfo:
    content_type: str
    extension: str
    duration_seconds: float


NOT_AUDIO = (
    "This file is not a recording Tending can play. Use MP3, M4A, WAV, Ogg, FLAC or WebM audio."
)


def inspect_audio(content: bytes) -> AudioInfo:
    """Return what `content` is; raise AudioError unless it is a playable audio recording."""
    try:
        return _inspect(content)
    except (struct.error, OverflowError, RecursionError, ValueError, IndexError):
        # Malformed structure in a file that began like audio: still not audio.
        raise AudioError(NOT_AUDIO) from None


def _inspect(content: bytes) -> AudioInfo:
    head = content[:12]
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return AudioInfo("audio/webm", ".webm", _webm_duration(content))
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return AudioInfo("audio/wav", ".wav", _length(WAVE, content))
    if head.startswith(b"OggS"):
        parsed = _parse(mutagen.File, content)
        return AudioInfo("audio/ogg", ".ogg", _positive(parsed.info.length))
    if head.startswith(b"fLaC"):
        return AudioInfo("audio/flac", ".flac", _length(FLAC, content))
    if head[4:8] == b"ftyp":
        if b"moof" in content:  # fragmented, as browsers record: timing lives in fragments
            return AudioInfo("audio/mp4", ".m4a", _positive(_fragmented_mp4_duration(content)))
        return AudioInfo("audio/mp4", ".m4a", _length(MP4, content))
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return AudioInfo("audio/mpeg", ".mp3", _length(MP3, content))
    raise AudioError(NOT_AUDIO)


def _parse(kind: Any, content: bytes) -> Any:
    try:
        parsed = kind(io.BytesIO(content))
    except Exception:  # mutagen raises many error types for malformed files
        raise AudioError(NOT_AUDIO) from None
    if parsed is None or getattr(parsed, "info", None) is None:
        raise AudioError(NOT_AUDIO)
    return parsed


def _length(kind: Any, content: bytes) -> float:
    return _positive(_parse(kind, content).info.length)


def _positive(seconds: float | None) -> float:
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        raise AudioError("This recording seems to be empty. Record or choose it again.")
    return float(seconds)


# --- WebM (EBML) -------------------------------------------------------------------------

EBML_HEADER, DOC_TYPE = 0x1A45DFA3, 0x4282
SEGMENT, CLUSTER, INFO, BLOCK_GROUP = 0x18538067, 0x1F43B675, 0x1549A966, 0xA0
TIMECODE_SCALE, DURATION, CLUSTER_TIMECODE = 0x2AD7B1, 0x4489, 0xE7
SIMPLE_BLOCK, BLOCK = 0xA3, 0xA1
CONTAINERS = {EBML_HEADER, SEGMENT, CLUSTER, INFO, BLOCK_GROUP}
# A real recording of the longest allowed length has tens of thousands of elements; a file
# padded with millions of tiny ones is not a recording and must not cost seconds of CPU.
MAX_ELEMENTS = 200_000


def _vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int, bool]:
    """Read an EBML variable-length integer at `pos`: (value, length, all-ones = unknown)."""
    if pos >= len(data):
        raise AudioError(NOT_AUDIO)
    first = data[pos]
    length = 8 - first.bit_length() + 1
    if first == 0 or pos + length > len(data):
        raise AudioError(NOT_AUDIO)
    raw = int.from_bytes(data[pos : pos + length], "big")
    value = raw if keep_marker else raw & ((1 << (7 * length)) - 1)
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, length, unknown


def _webm_duration(data: bytes) -> float:
    """Return the duration of a WebM file in seconds.

    Uses the Duration element when present; MediaRecorder often leaves it out, so otherwise
    the latest block timestamp (cluster timecode plus block offset) stands in.
    """
    scale, declared, latest, cluster_time = 1_000_000, None, 0, 0
    doc_type, blocks, pos = b"", 0, 0
    for _ in range(MAX_ELEMENTS):
        if pos >= len(data):
            break
        element, id_length, _ = _vint(data, pos, keep_marker=True)
        size, size_length, unknown = _vint(data, pos + id_length, keep_marker=False)
        body = pos + id_length + size_length
        if element in CONTAINERS:
            pos = body  # step inside; children follow, whether or not the size is known
            continue
        if unknown or body + size > len(data):
            break  # a truncated last element: use what was read
        payload = data[body : body + size]
        if element == DOC_TYPE:
            doc_type = payload.rstrip(b"\x00")
        elif element == TIMECODE_SCALE:
            scale = int.from_bytes(payload, "big") or scale
        elif element == DURATION and size in (4, 8):
            declared = struct.unpack(">f" if size == 4 else ">d", payload)[0]
        elif element == CLUSTER_TIMECODE:
            cluster_time = int.from_bytes(payload, "big")
        elif element in (SIMPLE_BLOCK, BLOCK) and size >= 4:
            _, track_length, _ = _vint(payload, 0, keep_marker=False)
            offset = struct.unpack(">h", payload[track_length : track_length + 2])[0]
            latest = max(latest, cluster_time + offset)
            blocks += 1
        pos = body + size
    else:
        raise AudioError(NOT_AUDIO)
    if doc_type != b"webm" or not blocks:
        raise AudioError(NOT_AUDIO)
    # Never trust a declared length below what the blocks show: the length cap depends on it.
    ticks = max(declared or 0, latest)
    return _positive(ticks * scale / 1_000_000_000)


# --- Fragmented MP4 (ISO BMFF) -------------------------------------------------------------

MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"mvex", b"moof", b"traf"}


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """Yield (type, payload start, payload end) for each box between start and end."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1 and pos + 16 <= end:
            size, header = struct.unpack(">Q", data[pos + 8 : pos + 16])[0], 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            return
        yield kind, pos + header, pos + size
        pos += size


def _fragmented_mp4_duration(data: bytes) -> float:
    """Return the summed duration of every fragment's samples, in seconds."""
    timescale, default_duration, total = 0, 0, 0

    def walk(start: int, end: int, depth: int = 0) -> None:
        nonlocal timescale, default_duration, total
        if depth > 8:  # real files nest five deep at most
            raise AudioError(NOT_AUDIO)
        fragment_default = default_duration
        for kind, body, stop in _boxes(data, start, end):
            payload = data[body:stop]
            if kind in MP4_CONTAINERS:
                walk(body, stop, depth + 1)
            elif kind == b"mdhd" and len(payload) >= 24:
                offset = 20 if payload[0] == 1 else 12
                timescale = timescale or struct.unpack(">I", payload[offset : offset + 4])[0]
            elif kind == b"trex" and len(payload) >= 16:
                default_duration = struct.unpack(">I", payload[12:16])[0]
                fragment_default = default_duration
            elif kind == b"tfhd" and len(payload) >= 8:
                flags = int.from_bytes(payload[1:4], "big")
                offset = 8 + (8 if flags & 0x1 else 0) + (4 if flags & 0x2 else 0)
                fragment_default = (
                    struct.unpack(">I", payload[offset : offset + 4])[0]
                    if flags & 0x8
                    else default_duration
                )
            elif kind == b"trun" and len(payload) >= 8:
                total += _trun_duration(payload, fragment_default)

    walk(0, len(data))
    if not timescale:
        raise AudioError(NOT_AUDIO)
    return total / timescale


def _trun_duration(payload: bytes, default: int) -> int:
    flags = int.from_bytes(payload[1:4], "big")
    count = int.from_bytes(payload[4:8], "big")
    if not flags & 0x100:
        return count * default
    pos = 8 + (4 if flags & 0x1 else 0) + (4 if flags & 0x4 else 0)
    per_sample = 4 * sum(bool(flags & bit) for bit in (0x100, 0x200, 0x400, 0x800))
    total = 0
    for _ in range(count):
        if pos + 4 > len(payload):
            break
        total += int(struct.unpack(">I", payload[pos : pos + 4])[0])
        pos += per_sample
    return total
