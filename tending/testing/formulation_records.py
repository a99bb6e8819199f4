"""Formulation records for tests: a formulation with versions, a link, a three-circles check-in."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tending.accounts.models import ClientProfile, User
from tending.assignments.models import Assignment
from tending.formulation.models import (
    CirclesCheckIn,
    Formulation,
    FormulationLink,
    FormulationVersion,
)
from tending.formulation.parts import PART_KEYS
from tending.practices.models import Practice
from tending.revisions import services as revisions


def add_version(client: ClientProfile, author: User, role: str, **texts: str) -> FormulationVersion:
    """Save the next version of `client`'s formulation straight to the database."""
    formulation, _ = Formulation.objects.get_or_create(client=client)
    formulation.version += 1
    formulation.save()
    return FormulationVersion.objects.create(
        formulation=formulation,
        number=formulation.version,
        token=uuid.uuid4(),
        author=author,
        author_role=role,
        author_name=author.name,
        **{key: texts.get(key, "") for key in PART_KEYS},
    )


def practice_homework(
    client: ClientProfile, clinician: User, key: str = "soothing-rhythm-breathing"
) -> Assignment:
    assignment = Assignment.objects.create(
        client=client,
        kind=Assignment.Kind.PRACTICE,
        practice=Practice.objects.get(key=key, organisation=None),
        repeat="daily",
        start_date=timezone.localdate() - timedelta(days=7),
        created_by=clinician,
    )
    revisions.client_changed(client)  # as save_assignment does
    return assignment


def add_link(
    client: ClientProfile, part: str, assignment: Assignment, clinician: User
) -> FormulationLink:
    formulation, _ = Formulation.objects.get_or_create(client=client)
    return FormulationLink.objects.create(
        formulation=formulation, part=part, assignment=assignment, created_by=clinician
    )


def add_check_in(
    client: ClientProfile,
    *,
    threat: int = 6,
    drive: int = 4,
    soothe: int = 2,
    days_ago: float = 0,
    recorded_by: User | None = None,
    **text: Any,
) -> CirclesCheckIn:
    person = recorded_by or client.user
    assert person is not None  # noqa: S101 (test helper)
    return CirclesCheckIn.objects.create(
        client=client,
        token=uuid.uuid4(),
        threat=threat,
        drive=drive,
        soothe=soothe,
        recorded_by=person,
        recorded_by_role="client" if person == client.user else "clinician",
        created_at=timezone.now() - timedelta(days=days_ago),
        **text,
    )


def formulation_records(world: Any) -> dict[str, object]:
    """Client A's formulation, link and check-in, each carrying a canary, for the matrix."""
    version = add_version(
        world.client_a, world.client_a.user, "client", history="Words CANARY-formulation_a"
    )
    homework = practice_homework(world.client_a, world.clinician_a)
    return {
        "formulation_a": version,
        "formulation_link_a": add_link(world.client_a, "history", homework, world.clinician_a),
        "circles_a": add_check_in(world.client_a, note="Note CANARY-circles_a"),
    }
