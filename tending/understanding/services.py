"""Module workflows: noting that a client opened or finished a module, and their reflection."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from tending.accounts.models import ClientProfile
from tending.audit.services import record
from tending.journal.models import JournalEntry
from tending.journal.services import PartSpec, create_entry
from tending.understanding.definitions import ModuleDefinition
from tending.understanding.models import ModuleProgress


def progress_for(client: ClientProfile) -> dict[str, ModuleProgress]:
    """Return the client's progress by module key, in one query.

    Dates and versions only: safe for the clinician's pages and the layer map.
    """
    return {p.module_key: p for p in ModuleProgress.objects.filter(client=client)}


def record_opened(
    *, request: HttpRequest, client: ClientProfile, module: ModuleDefinition
) -> ModuleProgress:
    """Note the first time `client` opens this version of `module`; later visits write nothing."""
    progress = ModuleProgress.objects.filter(client=client, module_key=module.key).first()
    if progress is not None and progress.opened_version >= module.version:
        return progress
    try:
        with transaction.atomic():
            if progress is None:
                progress = ModuleProgress.objects.create(
                    client=client,
                    module_key=module.key,
                    opened_at=timezone.now(),
                    opened_version=module.version,
                )
            else:
                progress.opened_version = module.version
                progress.save(update_fields=["opened_version", "updated_at"])
            record(
                action="understanding.module_opened",
                request=request,
                client=client,
                target=progress,
                detail={"module": module.key, "version": module.version},
            )
    except IntegrityError:  # the same page opened twice at the same moment
        return ModuleProgress.objects.get(client=client, module_key=module.key)
    return progress


@transaction.atomic
def finish_module(
    *,
    request: HttpRequest,
    client: ClientProfile,
    module: ModuleDefinition,
    token: uuid.UUID,
    answers: dict[str, str],
) -> tuple[ModuleProgress, JournalEntry | None]:
    """Mark `module` finished and keep any answers as a private reflection in the journal.

    Return (progress, reflection or None when every answer was left blank). The same `token`
    sent again finds the same reflection; finishing the same version again changes nothing.
    """
    entry = None
    if any(text.strip() for text in answers.values()):
        entry, _ = create_entry(
            request=request,
            client=client,
            token=token,
            kind=JournalEntry.Kind.REFLECTION,
            title=f"Reflecting on: {module.title}",
            module_key=module.key,
            module_version=module.version,
            parts=[PartSpec(p.key, p.text, answers.get(p.key, "")) for p in module.prompts],
        )
    now = timezone.now()
    progress, _ = ModuleProgress.objects.get_or_create(
        client=client,
        module_key=module.key,
        defaults={"opened_at": now, "opened_version": module.version},
    )
    progress = ModuleProgress.objects.select_for_update().get(pk=progress.pk)
    if progress.finished_version != module.version:
        progress.finished_at = now
        progress.finished_version = module.version
        progress.opened_version = max(progress.opened_version, module.version)
        progress.save(
            update_fields=["finished_at", "finished_version", "opened_version", "updated_at"]
        )
        record(
            action="understanding.module_finished",
            request=request,
            client=client,
            target=progress,
            detail={"module": module.key, "version": module.version},
        )
    return progress, entry
