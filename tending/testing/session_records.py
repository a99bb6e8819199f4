"""Session records for tests: a draft or signed note, the posted form, development entries."""

from __future__ import annotations

import uuid
from datetime import date, time
from typing import Any

from django.utils import timezone

from tending.accounts.models import ClientProfile, User
from tending.practices.models import Practice
from tending.therapy_sessions.models import (
    LayerNote,
    OwnPractice,
    Reflection,
    SessionAddendum,
    TherapySession,
)


def make_session(
    client: ClientProfile,
    *,
    on: date,
    start: time | None = None,
    text: str = "A note",
    attendance: str = "attended",
    signed: bool = False,
    addendum: str = "",
) -> TherapySession:
    """A session note by the client's own clinician, with a layer 1 note carrying `text`."""
    clinician = client.primary_clinician
    session = TherapySession.objects.create(
        client=client,
        clinician=clinician,
        token=uuid.uuid4(),
        date=on,
        start_time=start,
        minutes=50,
        attendance=attendance,
        format="in_person",
        summary=f"Summary: {text}",
        risk_note=f"Risk: {text}",
    )
    LayerNote.objects.create(session=session, layer=1, text=text, lever_support=True)
    if signed:
        session.signed_at = timezone.now()
        session.signed_by = clinician
        session.save()
    if addendum:
        SessionAddendum.objects.create(
            session=session, author=clinician, token=uuid.uuid4(), text=addendum
        )
    return session


def session_form(**changes: Any) -> dict[str, Any]:
    """What the session form posts, with layer 1 and 4 notes; override any field."""
    data: dict[str, Any] = {
        "token": str(uuid.uuid4()),
        "date": "2026-11-16",
        "start_time": "10:00",
        "minutes": "50",
        "attendance": "attended",
        "format": "in_person",
        "layer_1_levers": ["support", "model"],
        "layer_1_note": "Slowed down together; safeness felt steadier.",
        "layer_4_levers": ["train"],
        "layer_4_note": "Practised soothing rhythm breathing for three minutes.",
        "risk_reviewed": "yes",
        "risk_note": "No thoughts of harm.",
        "summary": "Plan: keep breathing practice three mornings a week.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def make_reflection(
    clinician: User, text: str, *, client: ClientProfile | None = None
) -> Reflection:
    return Reflection.objects.create(
        clinician=clinician,
        token=uuid.uuid4(),
        layer=1,
        prompt="relational-safeness",
        text=text,
        client=client,
    )


def make_own_practice(clinician: User, practice: Practice, note: str) -> OwnPractice:
    return OwnPractice.objects.create(
        clinician=clinician,
        token=uuid.uuid4(),
        practice=practice,
        practised_on=timezone.localdate(),
        minutes=10,
        note=note,
    )


def session_records(world: Any) -> dict[str, object]:
    """Records for the authorization matrix, each carrying a canary in its text."""
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    make_own_practice(world.clinician_a, breathing, "Note CANARY-own_practice_a")
    return {
        "session_a": make_session(world.client_a, on=date(2026, 11, 2), text="CANARY-session_a"),
        "session_signed_a": make_session(
            world.client_a,
            on=date(2026, 11, 9),
            text="CANARY-session_signed_a",
            signed=True,
            addendum="Note CANARY-addendum_a",
        ),
        "reflection_a": make_reflection(
            world.clinician_a, "Note CANARY-reflection_a", client=world.client_a
        ),
        "reflection_a2": make_reflection(world.clinician_a2, "Note CANARY-reflection_a2"),
    }
