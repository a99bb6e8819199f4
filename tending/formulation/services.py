"""Formulation workflows: saving versions, linking practices, saving three-circles check-ins.

Each write records its audit row in the same transaction. Identifiers only: never the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from tending.accounts.client_rows import locked_client_row
from tending.accounts.models import ClientProfile, User
from tending.assignments.models import Assignment
from tending.audit.services import record
from tending.formulation.models import (
    CirclesCheckIn,
    Formulation,
    FormulationLink,
    FormulationVersion,
)
from tending.formulation.parts import PART_KEYS


@dataclass(frozen=True)
class Saved:
    """What a save did: made a version, found nothing to change, or recognised a retry."""

    version: FormulationVersion | None
    outcome: Literal["created", "unchanged", "replayed"]


class VersionConflict(Exception):
    """Someone saved a newer version after this editor opened the form."""

    def __init__(self, latest: FormulationVersion, base: FormulationVersion | None) -> None:
        super().__init__(f"version {latest.number} was saved after version {base and base.number}")
        self.latest = latest
        self.base = base


@transaction.atomic
def save_formulation(
    *,
    request: HttpRequest,
    client: ClientProfile,
    author: User,
    role: str,
    based_on: int,
    token: UUID,
    texts: dict[str, str],
) -> Saved:
    """Save `texts` as the next version of the client's formulation, once.

    The same token again returns the version it made. A save that started from an older
    version than the latest raises VersionConflict and stores nothing, so nobody's words are
    overwritten. Text identical to the latest version makes no new version.
    """
    formulation = locked_client_row(Formulation, client)
    replayed = formulation.versions.filter(token=token).first()
    if replayed is not None:
        return Saved(replayed, "replayed")
    latest = formulation.versions.first()
    if latest is not None and based_on != formulation.version:
        base = formulation.versions.filter(number=based_on).first()
        raise VersionConflict(latest, base)
    texts = {key: texts.get(key, "") for key in PART_KEYS}
    unchanged = latest.texts() == texts if latest else not any(texts.values())
    if unchanged:
        return Saved(latest, "unchanged")
    version = FormulationVersion.objects.create(
        formulation=formulation,
        number=formulation.version + 1,
        token=token,
        author=author,
        author_role=role,
        author_name=author.name,
        **texts,
    )
    formulation.version = version.number
    formulation.save(update_fields=["version", "updated_at"])
    record(
        action="formulation.version_saved",
        request=request,
        client=client,
        target=version,
        detail={"version": version.number, "author_role": role},
    )
    return Saved(version, "created")


@transaction.atomic
def add_link(
    *,
    request: HttpRequest,
    client: ClientProfile,
    clinician: User,
    part: str,
    assignment: Assignment,
) -> tuple[FormulationLink, bool]:
    """Link a practice homework to one part; the same link twice is one link."""
    if assignment.client_id != client.pk or assignment.kind != Assignment.Kind.PRACTICE:
        raise ValueError("Only this client's practice homework can be linked.")
    if part not in PART_KEYS:
        raise ValueError(f"Unknown part {part!r}.")
    formulation = locked_client_row(Formulation, client)
    link, created = FormulationLink.objects.get_or_create(
        formulation=formulation,
        part=part,
        assignment=assignment,
        defaults={"created_by": clinician},
    )
    if created:
        record(
            action="formulation.link_added",
            request=request,
            client=client,
            target=link,
            detail={"part": part, "assignment": str(assignment.public_id)},
        )
    return link, created


@transaction.atomic
def remove_link(*, request: HttpRequest, client: ClientProfile, link: FormulationLink) -> None:
    record(
        action="formulation.link_removed",
        request=request,
        client=client,
        target=link,
        detail={"part": link.part, "assignment": str(link.assignment.public_id)},
    )
    link.delete()


def save_check_in(
    *,
    request: HttpRequest,
    client: ClientProfile,
    recorded_by: User,
    role: str,
    values: dict[str, Any],
) -> tuple[CirclesCheckIn, bool]:
    """Save one three-circles check-in, once. Return (check-in, created).

    The same token again returns the first row unchanged, whatever else was posted.
    """
    try:
        with transaction.atomic():
            check_in = CirclesCheckIn.objects.create(
                client=client, recorded_by=recorded_by, recorded_by_role=role, **values
            )
            record(
                action="circles.checkin_saved",
                request=request,
                client=client,
                target=check_in,
                detail={"recorded_by_role": role},
            )
            return check_in, True
    except IntegrityError:
        existing = CirclesCheckIn.objects.filter(client=client, token=values["token"]).first()
        if existing is None:
            raise
        return existing, False
