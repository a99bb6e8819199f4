"""Practice workflows: loading the library, saving logs and recordings, clinicians' practices."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, ProgrammingError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.text import slugify

from tending.accounts.models import ClientProfile, Membership
from tending.audit.services import record
from tending.practices.audio import AudioInfo
from tending.practices.library import PracticeDefinition, read_library
from tending.practices.models import Practice, PracticeLog, PracticeRecording
from tending.revisions import services as revisions

logger = logging.getLogger(__name__)


def _fields(definition: PracticeDefinition) -> dict[str, Any]:
    # JSON mode: the JSON fields of the row get lists and dicts, as they read back.
    return definition.model_dump(mode="json")


def load_builtin_practices(using: str = "default") -> tuple[int, int]:
    """Create built-in practices that are missing and update those whose version went up.

    Return (created, updated). A row never goes back to an older version.
    """
    definitions = read_library()
    created = updated = 0
    try:
        with transaction.atomic(using=using):
            existing = {
                p.key: p for p in Practice.objects.using(using).filter(organisation__isnull=True)
            }
            for key, definition in definitions.items():
                practice = existing.get(key)
                if practice is None:
                    Practice.objects.using(using).create(**_fields(definition))
                    created += 1
                elif practice.version < definition.version:
                    for name, value in _fields(definition).items():
                        setattr(practice, name, value)
                    practice.save(using=using)
                    updated += 1
    except (OperationalError, ProgrammingError):
        # The table is not there yet (a partial migrate); the next migrate loads the library.
        logger.warning("Practice table missing; built-in practices not loaded yet.")
    return created, updated


def practices_for(organisation_id: int) -> QuerySet[Practice]:
    """Return the practices an organisation's people may see: built-ins and its own."""
    return Practice.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id=organisation_id)
    )


class StaleEdit(Exception):
    """Someone saved the practice after this form was opened."""


@transaction.atomic
def save_practice(
    *, request: HttpRequest, clinician: Membership, practice: Practice | None, data: dict[str, Any]
) -> Practice:
    """Create a clinician's own practice, or save a new version of one. Built-ins never change."""
    if practice is None:
        practice = Practice(
            organisation_id=clinician.organisation_id,
            created_by_id=clinician.user_id,
            key=f"{slugify(data['title'])[:60] or 'practice'}-{secrets.token_hex(3)}",
            version=1,
        )
        action = "practice.created"
    else:
        if practice.is_builtin or practice.organisation_id != clinician.organisation_id:
            raise PermissionError("Built-in practices cannot be edited.")
        # Lock the row: two clinicians saving at once must not silently overwrite each other.
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        if data.get("version") != practice.version:
            raise StaleEdit
        practice.version += 1
        action = "practice.updated"
    data = {name: value for name, value in data.items() if name != "version"}
    for name, value in data.items():
        setattr(practice, name, value)
    practice.save()
    record(
        action=action,
        request=request,
        organisation=clinician.organisation,
        target=practice,
        detail={"version": practice.version},
    )
    return practice


def save_practice_log(
    *, request: HttpRequest, client: ClientProfile, practice: Practice, values: dict[str, Any]
) -> tuple[PracticeLog, bool]:
    """Save one practice session, once. Return (log, created).

    The same `token` posted again, in any order or at the same moment, returns the first row
    unchanged: nothing is duplicated and nothing that was saved is overwritten.
    """
    token = values["token"]
    try:
        with transaction.atomic():
            log = PracticeLog.objects.create(
                client=client,
                practice=practice,
                practice_version=practice.version,
                **values,
            )
            record(
                action="practice.logged",
                request=request,
                client=client,
                target=log,
                detail={"practice": practice.key, "outcome": log.outcome},
            )
            revisions.client_changed(client)
            return log, True
    except IntegrityError:
        existing = PracticeLog.objects.filter(client=client, token=token).first()
        if existing is None:
            raise
        return existing, False


def media_dir() -> Path:
    path: Path = settings.MEDIA_DIR / "recordings"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_recording(
    *,
    request: HttpRequest,
    clinician: Membership,
    practice: Practice,
    audio: AudioInfo,
    content: bytes,
) -> PracticeRecording:
    """Store `clinician`'s recording of `practice`, replacing their earlier one.

    The file is written before the row commits and removed again if the row does not; the
    replaced file is removed only after the commit, so a failure never leaves a row without
    its audio.
    """
    recording = PracticeRecording(
        practice=practice,
        clinician_id=clinician.user_id,
        organisation_id=clinician.organisation_id,
        content_type=audio.content_type,
        extension=audio.extension,
        size_bytes=len(content),
        duration_seconds=audio.duration_seconds,
    )
    path = media_dir() / recording.file_name
    try:
        path.write_bytes(content)
        with transaction.atomic():
            # One upload of this clinician's at a time (a double click, a phone resending):
            # otherwise, on PostgreSQL, both delete the old row, both insert, and the second
            # insert fails on the one-recording constraint. Waiting here, the second delete
            # sees the first's committed row and replaces it. (SQLite queues all writers.)
            Membership.objects.select_for_update().get(pk=clinician.pk)
            # Deleting the row removes its file after the commit (see apps.py).
            PracticeRecording.objects.filter(
                practice=practice, clinician_id=clinician.user_id
            ).delete()
            recording.save()
            record(
                action="recording.saved",
                request=request,
                organisation=clinician.organisation,
                target=recording,
                detail={"practice": practice.key, "seconds": round(audio.duration_seconds)},
            )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return recording


@transaction.atomic
def delete_recording(*, request: HttpRequest, recording: PracticeRecording) -> None:
    record(
        action="recording.deleted",
        request=request,
        organisation=recording.organisation,
        target=recording,
    )
    recording.delete()


def remove_recording_file(recording: PracticeRecording) -> None:
    """Delete a recording's file once the deletion of its row has committed.

    Runs for every deleted row, including cascades from a practice, person or organisation,
    so no file outlives its row; a rolled-back deletion keeps its file.
    """
    path = media_dir() / recording.file_name
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
