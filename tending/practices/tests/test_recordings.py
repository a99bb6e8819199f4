from __future__ import annotations

import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tending.practices.audio import AudioError, inspect_audio
from tending.practices.models import Practice, PracticeRecording
from tending.testing.personas import sign_in
from tending.testing.practice_records import make_recording, wav_bytes


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_DIR = tmp_path / "media"
    return settings.MEDIA_DIR / "recordings"


@pytest.fixture
def breathing(db):
    return Practice.objects.get(key="soothing-rhythm-breathing")


def upload(http, practice, name, content, content_type="audio/mpeg"):
    return http.post(
        reverse("recording_upload", args=[practice.public_id]),
        {"audio": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def stored_files(media):
    return sorted(p.name for p in media.glob("*")) if media.exists() else []


def test_a_clinician_uploads_a_recording_that_their_clients_hear(world, http, media, breathing):
    sign_in(http, world.clinician_a)
    response = upload(http, breathing, "my voice.WAV", wav_bytes(2.0), "audio/x-wav")
    recording = PracticeRecording.objects.get()
    assert response["Location"] == breathing.get_absolute_url()
    assert (recording.content_type, recording.extension) == ("audio/wav", ".wav")
    assert recording.duration_seconds == pytest.approx(2.0)
    assert stored_files(media) == [f"{recording.public_id}.wav"]  # a name we chose

    client = sign_in(type(http)(), world.client_a.user)
    player = client.get(reverse("practice_play", args=[breathing.public_id]))
    assert b"Your therapist's voice" in player.content
    assert reverse("recording_audio", args=[recording.public_id]).encode() in player.content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.mp3", b"These are my private notes, not audio at all." * 20),
        ("page.mp3", b"<html><script>alert(1)</script></html>" + b" " * 500),
        ("fake.wav", b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk"),
        ("tagged.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 200),
        ("empty.ogg", b""),
    ],
)
def test_it_judges_files_by_their_content_not_their_name(
    world, http, media, breathing, name, content
):
    sign_in(http, world.clinician_a)
    response = upload(http, breathing, name, content)
    assert response.status_code == 400
    assert b"not a recording Tending can play" in response.content or b"empty" in response.content
    assert not PracticeRecording.objects.exists()
    assert stored_files(media) == []


def test_it_refuses_files_over_the_size_limit(world, http, media, breathing, settings):
    settings.RECORDING_MAX_BYTES = 10_000
    sign_in(http, world.clinician_a)
    response = upload(http, breathing, "long.wav", wav_bytes(2.0), "audio/wav")
    assert response.status_code == 413
    assert b"larger than" in response.content
    assert stored_files(media) == []


def test_it_refuses_recordings_over_the_length_limit(world, http, media, breathing, settings):
    settings.RECORDING_MAX_SECONDS = 1
    sign_in(http, world.clinician_a)
    response = upload(http, breathing, "long.wav", wav_bytes(2.0), "audio/wav")
    assert response.status_code == 400
    assert b"longer than" in response.content
    assert stored_files(media) == []


def test_a_new_recording_replaces_the_old_file(
    world, http, media, breathing, django_capture_on_commit_callbacks
):
    sign_in(http, world.clinician_a)
    with django_capture_on_commit_callbacks(execute=True):
        upload(http, breathing, "one.wav", wav_bytes(1.0), "audio/wav")
        upload(http, breathing, "two.wav", wav_bytes(1.5), "audio/wav")
    recording = PracticeRecording.objects.get()
    assert stored_files(media) == [recording.file_name]


class TestPlayback:
    @pytest.fixture
    def recording(self, world, media, breathing):
        return make_recording(world.clinician_a, breathing, seconds=1.0)

    @pytest.fixture
    def listener(self, world, http):
        return sign_in(http, world.client_a.user)

    def body(self, response) -> bytes:
        return b"".join(response.streaming_content)

    def test_it_serves_the_whole_file_and_says_it_can_seek(self, recording, listener, media):
        response = listener.get(recording.get_absolute_url())
        content = (media / recording.file_name).read_bytes()
        assert response.status_code == 200
        assert response["Accept-Ranges"] == "bytes"
        assert response["Content-Type"] == "audio/wav"
        assert response["Cache-Control"] == "no-store"
        assert self.body(response) == content

    @pytest.mark.parametrize(
        ("header", "first", "last"),
        [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-10", None, None)],
    )
    def test_it_answers_range_requests_so_the_player_can_seek(
        self, recording, listener, media, header, first, last
    ):
        content = (media / recording.file_name).read_bytes()
        size = len(content)
        if first is None:
            first, last = size - 10, size - 1
        last = size - 1 if last is None else last
        response = listener.get(recording.get_absolute_url(), HTTP_RANGE=header)
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes {first}-{last}/{size}"
        assert response["Content-Length"] == str(last - first + 1)
        assert self.body(response) == content[first : last + 1]

    def test_it_refuses_a_range_beyond_the_end(self, recording, listener, media):
        size = (media / recording.file_name).stat().st_size
        response = listener.get(recording.get_absolute_url(), HTTP_RANGE=f"bytes={size + 5}-")
        assert response.status_code == 416
        assert response["Content-Range"] == f"bytes */{size}"

    def test_the_file_is_not_reachable_as_a_static_or_media_url(self, recording, listener):
        assert listener.get(f"/static/{recording.file_name}").status_code == 404
        assert listener.get(f"/media/recordings/{recording.file_name}").status_code == 404


def ebml(element_id: int, payload: bytes, *, unknown_size: bool = False) -> bytes:
    """Encode one EBML element (the format inside WebM)."""
    id_bytes = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    if unknown_size:
        return id_bytes + b"\x01\xff\xff\xff\xff\xff\xff\xff" + payload
    return id_bytes + (0x10000000 | len(payload)).to_bytes(4, "big") + payload


def simple_block(offset_ms: int) -> bytes:
    return ebml(0xA3, b"\x81" + struct.pack(">h", offset_ms) + b"\x80" + b"\x00" * 8)


def webm(*, declared_ms: float | None = None) -> bytes:
    info = ebml(0x2AD7B1, (1_000_000).to_bytes(3, "big"))
    if declared_ms is not None:
        info += ebml(0x4489, struct.pack(">d", declared_ms))
    clusters = ebml(
        0x1F43B675, ebml(0xE7, b"\x00") + simple_block(0) + simple_block(900), unknown_size=True
    )
    clusters += ebml(
        0x1F43B675, ebml(0xE7, (2000).to_bytes(2, "big")) + simple_block(500), unknown_size=True
    )
    segment = ebml(0x18538067, ebml(0x1549A966, info) + clusters, unknown_size=True)
    return ebml(0x1A45DFA3, ebml(0x4282, b"webm")) + segment


def test_it_times_a_browser_recording_without_a_declared_duration():
    info = inspect_audio(webm())
    assert (info.content_type, info.extension) == ("audio/webm", ".webm")
    assert info.duration_seconds == pytest.approx(2.5)


def test_it_uses_the_declared_duration_of_a_webm_file_when_there_is_one():
    assert inspect_audio(webm(declared_ms=61_000.0)).duration_seconds == pytest.approx(61.0)


def test_a_truncated_webm_header_is_not_audio():
    with pytest.raises(AudioError):
        inspect_audio(b"\x1a\x45\xdf\xa3\x9f")


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def fragmented_mp4(fragments: int, samples: int, per_sample: int) -> bytes:
    """An MP4 laid out as MediaRecorder writes it: an empty header, timing in fragments."""
    mdhd = box(b"mdhd", b"\x00" * 12 + struct.pack(">II", 48_000, 0) + b"\x00" * 4)
    trex = box(b"trex", b"\x00" * 4 + struct.pack(">IIIII", 1, 1, per_sample, 0, 0))
    moov = box(b"moov", box(b"trak", box(b"mdia", mdhd)) + box(b"mvex", trex))
    moof = box(
        b"moof",
        box(
            b"traf",
            box(b"tfhd", b"\x00\x00\x00\x00" + struct.pack(">I", 1))
            + box(b"trun", b"\x00\x00\x00\x00" + struct.pack(">I", samples)),
        ),
    )
    return (
        box(b"ftyp", b"isom\x00\x00\x02\x00isomiso6")
        + moov
        + (moof + box(b"mdat", b"")) * fragments
    )


def test_it_times_a_fragmented_mp4_from_its_fragments():
    info = inspect_audio(fragmented_mp4(fragments=3, samples=50, per_sample=960))
    assert (info.content_type, info.extension) == ("audio/mp4", ".m4a")
    assert info.duration_seconds == pytest.approx(3 * 50 * 960 / 48_000)


def nested(kind: bytes, depth: int) -> bytes:
    inner = b""
    for _ in range(depth):
        inner = box(kind, inner)
    return inner


@pytest.mark.parametrize(
    "content",
    [
        # a block whose track number runs past its end
        ebml(0x1A45DFA3, ebml(0x4282, b"webm"))
        + ebml(0x18538067, ebml(0x1F43B675, ebml(0xE7, b"\x00") + ebml(0xA3, b"\x20\x00\x00\x80"))),
        # a timecode scale far beyond any real file
        ebml(0x1A45DFA3, ebml(0x4282, b"webm"))
        + ebml(0x18538067, ebml(0x1549A966, ebml(0x2AD7B1, b"\xff" * 200)) + simple_block(5)),
        # a declared duration that is not a number
        webm(declared_ms=float("nan")),
        # EBML that is not WebM, or WebM with no audio blocks at all
        ebml(0x1A45DFA3, ebml(0x4282, b"matroska")) + ebml(0x18538067, simple_block(5)),
        ebml(0x1A45DFA3, ebml(0x4282, b"webm")) + ebml(0x18538067, b"<html>" * 50),
        # MP4 boxes nested a thousand deep
        box(b"ftyp", b"isom") + nested(b"moof", 1000),
        # a fragment header too short for the fields its flags promise
        box(b"ftyp", b"isom")
        + box(b"moof", box(b"traf", box(b"tfhd", b"\x00\x00\x00\x08" + b"\x00" * 4))),
    ],
)
def test_malformed_recordings_are_refused_quickly_and_never_crash(content):
    with pytest.raises(AudioError):
        inspect_audio(content)


def test_a_declared_webm_duration_cannot_hide_a_longer_recording():
    assert inspect_audio(webm(declared_ms=500.0)).duration_seconds == pytest.approx(2.5)


def test_a_range_header_with_absurd_numbers_is_refused_not_a_crash(world, http, media, breathing):
    recording = make_recording(world.clinician_a, breathing)
    sign_in(http, world.client_a.user)
    response = http.get(recording.get_absolute_url(), HTTP_RANGE="bytes=" + "1" * 5000 + "-")
    assert response.status_code == 416


def test_deleting_a_practice_removes_its_recordings_files(
    world, media, django_capture_on_commit_callbacks
):
    from tending.testing.practice_records import make_practice

    practice = make_practice(world.org_a, world.clinician_a, "practice_gone")
    make_recording(world.clinician_a, practice)
    assert len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        practice.delete()
    assert stored_files(media) == []
