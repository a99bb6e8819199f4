"""A recording over the size limit is refused before it fills the server's disk.

Each post is a real multipart body parsed by Django, with CSRF checks on as for a browser: the
limit has to be in place before the CSRF check reads the body, and Django's test client skips
that check unless asked. Django's own temporary-file handler writes what gets through, watched
to see how much of each upload reached the disk.
"""

from __future__ import annotations

import io
import re
import wave
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from tending.practices.models import Practice, PracticeRecording
from tending.practices.upload_limit import ENVELOPE_BYTES
from tending.testing.personas import sign_in

MiB = 1024 * 1024
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class DiskWatch(TemporaryFileUploadHandler):
    """Django's temporary-file upload handler, noting the most bytes one upload put on disk."""

    most_bytes = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        super().receive_data_chunk(raw_data, start)
        self.file.flush()
        on_disk = Path(self.file.temporary_file_path()).stat().st_size
        DiskWatch.most_bytes = max(DiskWatch.most_bytes, on_disk)


@pytest.fixture
def disk(settings, tmp_path) -> Path:
    """Point uploads' temporary files at an empty folder, watched by `DiskWatch`."""
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    settings.FILE_UPLOAD_HANDLERS = [
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        f"{__name__}.DiskWatch",
    ]
    settings.MEDIA_DIR = tmp_path / "media"
    DiskWatch.most_bytes = 0
    return settings.FILE_UPLOAD_TEMP_DIR


@pytest.fixture
def breathing(db) -> Practice:
    return Practice.objects.get(key="soothing-rhythm-breathing")


@pytest.fixture
def clinician(world) -> Client:
    return sign_in(Client(enforce_csrf_checks=True), world.clinician_a)


def wav_of_size(size: int) -> bytes:
    """Return a real WAV file of `size` bytes (give or take 3): CD-quality silence."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(44_100)
        out.writeframes(bytes((size - 44) // 4 * 4))
    return buffer.getvalue()


def post_recording(http: Client, practice: Practice, content: bytes) -> tuple[Any, int]:
    """Send `content` from the practice page's upload form, with its CSRF token, as a browser
    would; return the answer and how many bytes of the body the server read."""
    page = http.get(practice.get_absolute_url())
    token = TOKEN.search(page.content)
    assert token is not None
    body = encode_multipart(
        BOUNDARY,
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "audio": SimpleUploadedFile("practice.wav", content, content_type="audio/wav"),
        },
    )
    received = io.BytesIO(body)  # the request body as the WSGI server hands it over
    url = reverse("recording_upload", args=[practice.public_id])
    response = http.generic("POST", url, body, MULTIPART_CONTENT, **{"wsgi.input": received})
    return response, received.tell()


def assert_refused_calmly(response: Any, megabytes: int) -> None:
    assert response.status_code == 413
    text = response.content.decode()
    assert f"This recording is larger than {megabytes} MB, so it was not saved." in text
    assert 'enctype="multipart/form-data"' in text  # the form is there to try again
    assert "Traceback" not in text


def test_it_refuses_a_40_mb_recording_from_its_declared_length_without_reading_it(
    clinician, breathing, disk, settings
):
    content = wav_of_size(40 * MiB)
    assert len(content) > settings.RECORDING_MAX_BYTES + ENVELOPE_BYTES  # 25 MB by default
    response, read = post_recording(clinician, breathing, content)
    assert_refused_calmly(response, settings.RECORDING_MAX_BYTES // MiB)
    assert read == 0
    assert DiskWatch.most_bytes == 0
    assert list(disk.iterdir()) == []
    assert not PracticeRecording.objects.exists()


def test_it_stops_writing_a_recording_to_disk_as_soon_as_it_passes_the_limit(
    clinician, breathing, disk, settings
):
    # Over the limit by less than the room left for the form's envelope, so its declared
    # length gets past the first check: only counting the bytes as they arrive stops it.
    settings.RECORDING_MAX_BYTES = 40 * MiB
    response, read = post_recording(clinician, breathing, wav_of_size(40 * MiB + 32 * 1024))
    assert_refused_calmly(response, 40)
    assert read > 40 * MiB
    assert 0 < DiskWatch.most_bytes <= settings.RECORDING_MAX_BYTES
    assert list(disk.iterdir()) == []
    assert not PracticeRecording.objects.exists()


def test_it_accepts_a_recording_of_exactly_the_limit(clinician, breathing, disk, settings):
    content = wav_of_size(settings.RECORDING_MAX_BYTES)
    assert settings.RECORDING_MAX_BYTES - 4 < len(content) <= settings.RECORDING_MAX_BYTES
    response, _ = post_recording(clinician, breathing, content)
    assert response.status_code == 302
    assert DiskWatch.most_bytes == len(content)
    recording = PracticeRecording.objects.get()
    assert (recording.content_type, recording.practice) == ("audio/wav", breathing)
    assert list(disk.iterdir()) == []
