"""Practice records for tests: an organisation's own practice, a log, a recording."""

from __future__ import annotations

import io
import math
import struct
import uuid
import wave
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tending.accounts.models import ClientProfile, Organisation, User
from tending.practices.models import Practice, PracticeLog, PracticeRecording
from tending.revisions import services as revisions


def make_practice(organisation: Organisation, clinician: User, key: str) -> Practice:
    return Practice.objects.create(
        key=key.replace("_", "-"),
        organisation=organisation,
        created_by=clinician,
        title=f"Practice CANARY-{key}",
        summary="A practice written by a clinician.",
        layer=4,
        processes=["soothe-system"],
        aspects=["capacities"],
        lever="train",
        kind="imagery",
        minutes=3,
        player="steps",
        steps=[{"text": "Notice your feet on the floor.", "seconds": 10}],
    )


def make_log(
    client: ClientProfile,
    practice: Practice,
    *,
    note: str = "",
    note_shared: bool = False,
    feeling: str = "",
    days_ago: int = 0,
    seconds: int = 300,
) -> PracticeLog:
    started = timezone.now() - timedelta(days=days_ago, seconds=seconds)
    log = PracticeLog.objects.create(
        client=client,
        token=uuid.uuid4(),
        practice=practice,
        practice_version=practice.version,
        started_at=started,
        ended_at=started + timedelta(seconds=seconds),
        outcome="completed",
        seconds_practised=seconds,
        feeling=feeling,
        note=note,
        note_shared=note_shared,
    )
    revisions.client_changed(client)  # as save_practice_log does
    return log


def wav_bytes(seconds: float = 1.0, rate: int = 8000) -> bytes:
    """Return a real WAV file: a quiet 440 Hz tone lasting `seconds`."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * n / rate)))
            for n in range(int(seconds * rate))
        )
        out.writeframes(frames)
    return buffer.getvalue()


def make_recording(clinician: User, practice: Practice, seconds: float = 1.0) -> PracticeRecording:
    content = wav_bytes(seconds)
    recording = PracticeRecording.objects.create(
        practice=practice,
        clinician=clinician,
        organisation=clinician.membership.organisation,
        content_type="audio/wav",
        extension=".wav",
        size_bytes=len(content),
        duration_seconds=seconds,
    )
    folder = settings.MEDIA_DIR / "recordings"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / recording.file_name).write_bytes(content)
    return recording
