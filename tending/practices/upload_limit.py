"""The size limit on a recording, enforced while the upload arrives rather than once it is on disk.

Django parses a multipart body when a view first reads `request.POST` or `request.FILES`, and
writes a file over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file as it streams in. So the
upload view checks the body's declared length before anything reads it (`declared_too_large`),
then puts `RecordingSizeLimit` first among the upload handlers, which stops a file as soon as
it passes the limit, before the chunk that passes it reaches the temporary file.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

# Room in the body for the multipart boundaries, the part headers and the CSRF token (a
# browser's take well under 1 KB), so that a recording of exactly the limit still fits. The
# README's nginx limit for uploads adds the same 64 KB: change both together.
ENVELOPE_BYTES = 64 * 1024


def too_large_message() -> str:
    megabytes = settings.RECORDING_MAX_BYTES // (1024 * 1024)
    return (
        f"This recording is larger than {megabytes} MB, so it was not saved. "
        "Record a shorter version, or save it at a lower quality, and try again."
    )


def declared_too_large(request: HttpRequest) -> bool:
    """Return whether the body's declared length leaves no room for a recording within the limit.

    Reads only the headers: call it before anything touches `request.POST` or `request.FILES`.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False  # Django reads such a body as empty
    return length > settings.RECORDING_MAX_BYTES + ENVELOPE_BYTES


class RecordingSizeLimit(FileUploadHandler):
    """Stop the upload once a file in it passes RECORDING_MAX_BYTES; `exceeded` then says so.

    Insert it first in `request.upload_handlers`, before the body is read: a chunk it refuses
    never reaches the handlers after it, which keep the file in memory or on disk.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.RECORDING_MAX_BYTES:
            self.exceeded = True
            # Django then reads and drops the rest of the body (less than ENVELOPE_BYTES once
            # the declared length passed), so the browser is not cut off before the answer.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the handlers after this one build the uploaded file
