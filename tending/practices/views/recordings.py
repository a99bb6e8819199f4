"""A clinician's recordings of practices: upload or record, play (with seeking), delete."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from tending.accounts.access import (
    clinician_required,
    organisation_id_of,
    practitioner_required,
)
from tending.practices.audio import AudioError, inspect_audio
from tending.practices.forms import RecordingForm
from tending.practices.models import Practice, PracticeRecording
from tending.practices.services import delete_recording, media_dir, save_recording
from tending.practices.upload_limit import (
    RecordingSizeLimit,
    declared_too_large,
    too_large_message,
)
from tending.practices.views.library import detail_page, practice_for_request

CHUNK = 64 * 1024
RANGE = re.compile(r"^bytes=(\d{0,15})-(\d{0,15})$")  # 15 digits: far beyond any file


@csrf_exempt  # checked in _save_upload instead, once the size limit is in place
@require_POST
@clinician_required
def recording_upload(request: HttpRequest, practice_id: UUID) -> HttpResponse:
    """Save a clinician's recording; refuse one over the size limit before it fills the disk.

    The CSRF check reads the body, and upload handlers must be in place before that: hence
    Django's pattern for per-view upload handlers, `csrf_exempt` here and `csrf_protect` on
    `_save_upload`. A refusal from the declared length alone changes nothing and reveals
    nothing a cross-site form could use, so it needs no token.
    """
    practice = practice_for_request(request, practice_id)
    if declared_too_large(request):
        return _too_large_page(request, practice)
    limit = RecordingSizeLimit(request)
    request.upload_handlers = [limit, *request.upload_handlers]
    return _save_upload(request, practice, limit)


@csrf_protect
def _save_upload(
    request: HttpRequest, practice: Practice, limit: RecordingSizeLimit
) -> HttpResponse:
    form = RecordingForm(request.POST, request.FILES)
    if limit.exceeded:
        return _too_large_page(request, practice)
    if form.is_valid():
        try:
            content = form.cleaned_data["audio"].read()
            audio = inspect_audio(content)
            if audio.duration_seconds > settings.RECORDING_MAX_SECONDS:
                raise AudioError(
                    f"This recording is longer than {settings.RECORDING_MAX_SECONDS // 60} "
                    "minutes. Record a shorter version."
                )
        except AudioError as error:
            form.add_error("audio", str(error))
        else:
            save_recording(
                request=request,
                clinician=request.membership,  # type: ignore[attr-defined]
                practice=practice,
                audio=audio,
                content=content,
            )
            messages.success(request, "Your recording is saved. Your clients will hear it.")
            return redirect(practice)
    return detail_page(request, practice, recording_form=form, status=400)


def _too_large_page(request: HttpRequest, practice: Practice) -> HttpResponse:
    # Never request.POST here: not reading the rest of the body is the point.
    form = RecordingForm.refused(too_large_message())
    return detail_page(request, practice, recording_form=form, status=413)


def _recording_for_request(request: HttpRequest, recording_id: UUID) -> PracticeRecording:
    """Return the recording if this person may hear it: its clinician, or their clients."""
    recording = (
        PracticeRecording.objects.filter(
            public_id=recording_id, organisation_id=organisation_id_of(request)
        )
        .select_related("practice")
        .first()
    )
    profile = getattr(request, "client_profile", None)
    listener_clinician = profile.primary_clinician_id if profile else request.user.pk
    if recording is None or recording.clinician_id != listener_clinician:
        raise Http404
    return recording


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """Return (first, last) byte for a single-range header, or None if it cannot be served."""
    match = RANGE.match(header.strip())
    if not match or (not match.group(1) and not match.group(2)):
        return None
    first_text, last_text = match.groups()
    if first_text:
        first = int(first_text)
        last = min(int(last_text), size - 1) if last_text else size - 1
    else:  # "bytes=-N": the last N bytes
        first, last = max(0, size - int(last_text)), size - 1
    if first > last or first >= size:
        return None
    return first, last


def _stream(path: Path, first: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(first)
        while length > 0:
            chunk = handle.read(min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


@practitioner_required
def recording_audio(request: HttpRequest, recording_id: UUID) -> HttpResponseBase:
    recording = _recording_for_request(request, recording_id)
    path = media_dir() / recording.file_name
    if not path.exists():
        raise Http404
    size = path.stat().st_size
    header = request.headers.get("Range", "")
    first, last, status = 0, size - 1, 200
    if header:
        span = _byte_range(header, size)
        if span is None:
            refusal = HttpResponse(status=416)
            refusal["Content-Range"] = f"bytes */{size}"
            return refusal
        (first, last), status = span, 206
    response = StreamingHttpResponse(
        _stream(path, first, last - first + 1), status=status, content_type=recording.content_type
    )
    response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Disposition"] = f'inline; filename="recording{recording.extension}"'
    return response


@require_POST
@clinician_required
def recording_delete(request: HttpRequest, recording_id: UUID) -> HttpResponse:
    recording = _recording_for_request(request, recording_id)
    practice = recording.practice
    delete_recording(request=request, recording=recording)
    messages.success(request, "Your recording is deleted.")
    return redirect(practice)
