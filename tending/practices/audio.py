"""What an uploaded audio file really is, judged from its bytes, never from its name.

`inspect_audio(content)` returns the container's content type, a file extension Tending
chooses, and the duration, or raises `AudioError` with a sentence a clinician can act on.
Durations come from mutagen for MP3, WAV, Ogg, FLAC and MP4/M4A, and from a small reader of
WebM's EBML structure (what browsers' MediaRecorder usually produces), because mutagen does not
read WebM.
"""

from __future__ import annotations

import io
import struct
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
    if not seconds or seconds <= 0:
        raise AudioError("This recording seems to be empty. Record or choose it again.")
    return float(seconds)


# --- WebM (EBML) -------------------------------------------------------------------------

SEGMENT, CLUSTER, INFO, BLOCK_GROUP = 0x18538067, 0x1F43B675, 0x1549A966, 0xA0
TIMECODE_SCALE, DURATION, CLUSTER_TIMECODE = 0x2AD7B1, 0x4489, 0xE7
SIMPLE_BLOCK, BLOCK = 0xA3, 0xA1
CONTAINERS = {SEGMENT, CLUSTER, INFO, BLOCK_GROUP}


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
    pos = 0
    while pos < len(data):
        element, id_length, _ = _vint(data, pos, keep_marker=True)
        size, size_length, unknown = _vint(data, pos + id_length, keep_marker=False)
        body = pos + id_length + size_length
        if element in CONTAINERS:
            pos = body  # step inside; children follow, whether or not the size is known
            continue
        if unknown or body + size > len(data):
            break  # a truncated last element: use what was read
        payload = data[body : body + size]
        if element == TIMECODE_SCALE:
            scale = int.from_bytes(payload, "big") or scale
        elif element == DURATION and size in (4, 8):
            declared = struct.unpack(">f" if size == 4 else ">d", payload)[0]
        elif element == CLUSTER_TIMECODE:
            cluster_time = int.from_bytes(payload, "big")
        elif element in (SIMPLE_BLOCK, BLOCK) and size >= 4:
            _, track_length, _ = _vint(payload, 0, keep_marker=False)
            offset = struct.unpack(">h", payload[track_length : track_length + 2])[0]
            latest = max(latest, cluster_time + offset)
        pos = body + size
    ticks = declared if declared else latest
    return _positive(ticks * scale / 1_000_000_000)
