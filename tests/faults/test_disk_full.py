"""T35, fast version: a full database or a full media disk saves nothing, says so, recovers.

The database is capped with SQLite's `PRAGMA max_page_count`, which fails writes exactly as a
full disk does ("database or disk is full"); the media disk is a file write that stops half-way
with ENOSPC.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from tending.measures.models import MeasureRequest, Response
from tending.practices.models import Practice, PracticeRecording
from tending.safety.models import RiskAnswer
from tending.testing.personas import World, sign_in
from tending.testing.practice_records import wav_bytes

from .test_database_errors import FailAtWrite, snapshot
from .write_paths import _questionnaire


def _pragma(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="max_page_count is SQLite's")
def test_a_database_that_fills_up_refuses_a_questionnaire_whole_and_takes_it_once_freed(
    committed: None, world: World
):
    # Every request to be sent (its sign-in and its questionnaire request) is made before the
    # cap, so that only the server's own writes can meet the full disk.
    posts = [_questionnaire(world) for _ in range(300)]
    pages = _pragma("PRAGMA page_count")
    _pragma(f"PRAGMA max_page_count = {pages}")
    try:
        for post in posts:
            before = snapshot()
            response = post.http.post(post.url, post.form)
            if response.status_code != 302:
                break
        assert response.status_code == 503, "the capped database never filled up"
        assert "Nothing was saved" in response.content.decode()
        assert snapshot() == before, "the refused questionnaire left rows behind"
    finally:
        _pragma("PRAGMA max_page_count = 1073741823")
    assert _quick_check_ok()
    assert post.http.post(post.url, post.form).status_code == 302
    stored = Response.objects.count()
    assert (
        stored
        == RiskAnswer.objects.count()
        == MeasureRequest.objects.filter(completed_at__isnull=False).count()
    )


def _quick_check_ok() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA quick_check")
        return cursor.fetchone()[0] == "ok"


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_DIR = tmp_path / "media"
    return settings.MEDIA_DIR / "recordings"


def _upload(world: World) -> tuple[Client, str, Practice]:
    practice = Practice.objects.get(key="soothing-rhythm-breathing")
    http = sign_in(Client(raise_request_exception=False), world.clinician_a)
    return http, reverse("recording_upload", args=[practice.public_id]), practice


def _audio() -> dict[str, SimpleUploadedFile]:
    return {"audio": SimpleUploadedFile("voice.wav", wav_bytes(1.0), content_type="audio/wav")}


def test_a_full_media_disk_leaves_no_file_and_no_row(world, media, monkeypatch):
    http, url, _ = _upload(world)
    real_write_bytes = Path.write_bytes

    def disk_fills_half_way(self: Path, data: bytes) -> int:
        real_write_bytes(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", disk_fills_half_way)
    response = http.post(url, _audio())
    assert response.status_code == 503
    assert "Nothing was saved" in response.content.decode()
    assert list(media.glob("*")) == []
    assert not PracticeRecording.objects.exists()

    monkeypatch.setattr(Path, "write_bytes", real_write_bytes)
    assert http.post(url, _audio()).status_code == 302
    recording = PracticeRecording.objects.get()
    assert [p.name for p in media.glob("*")] == [recording.file_name]


def test_a_recording_whose_row_fails_at_any_write_leaves_no_file(world, media):
    http, url, _ = _upload(world)
    n = 0
    while True:
        n += 1
        fault = FailAtWrite(n)
        with connection.execute_wrapper(fault):
            response = http.post(url, _audio())
        if not fault.fired:
            break
        assert response.status_code == 503
        assert list(media.glob("*")) == [], f"write {n}: the file outlived its failed row"
        assert not PracticeRecording.objects.exists()
    assert response.status_code == 302
    recording = PracticeRecording.objects.get()
    assert [p.name for p in media.glob("*")] == [recording.file_name]
