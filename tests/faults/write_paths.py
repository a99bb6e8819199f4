"""The main write paths of Tending, as data: who posts what where, and how to see it was stored.

Fault tests (database errors, disk full, duplicates) run over this list, so a write path added
here is covered by all of them. `prepare` may write (sign in, open an invitation); it runs before
the fault, so only the request under test is judged.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from tending.accounts.models import ClientProfile
from tending.assignments.models import Assignment
from tending.formulation.models import FormulationVersion
from tending.formulation.parts import PART_KEYS
from tending.journal.models import JournalEntry
from tending.measures.models import MeasureRequest, Response
from tending.practices.models import Practice, PracticeLog
from tending.safety.models import RiskAnswer
from tending.testing.measure_records import PHQ9_POSITIVE
from tending.testing.personas import World, sign_in
from tending.testing.session_records import session_form
from tending.therapy_sessions.models import TherapySession


@dataclass(frozen=True)
class Post:
    http: Client
    url: str
    form: dict[str, Any]


@dataclass(frozen=True)
class WritePath:
    name: str
    prepare: Callable[[World], Post]
    # True once the request's record is stored completely.
    stored: Callable[[], bool]
    # Posting the same form twice stores one record (the form carries an idempotency token).
    idempotent: bool = True

    def __str__(self) -> str:
        return self.name


def _signed_in(user: Any) -> Client:
    return sign_in(Client(raise_request_exception=False), user)


def _questionnaire(world: World) -> Post:
    asked = MeasureRequest.objects.create(
        client=world.client_a, measure_key="phq9", requested_by=world.clinician_a
    )
    form = {f"item_{n}": str(v) for n, v in PHQ9_POSITIVE.items()} | {"token": str(uuid.uuid4())}
    return Post(_signed_in(world.client_a.user), asked.get_absolute_url(), form)


def _questionnaire_stored() -> bool:
    response = Response.objects.filter(total=13).first()
    return (
        response is not None
        and RiskAnswer.objects.filter(
            response_id=response.public_id, episode__closed_at=None
        ).exists()
        and MeasureRequest.objects.filter(completed_at__isnull=False).exists()
    )


def _practice_log(world: World) -> Post:
    practice = Practice.objects.get(key="compassionate-break")
    form = {"token": str(uuid.uuid4()), "outcome": "completed", "minutes": "1"}
    form["feeling"] = "settling"
    url = reverse("practice_log_save", args=[practice.public_id])
    return Post(_signed_in(world.client_a.user), url, form)


def _assignment(world: World) -> Post:
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    form = {
        "token": str(uuid.uuid4()),
        "what": f"practice:{breathing.public_id}",
        "instructions": "Before breakfast",
        "repeat": "weekdays",
        "weekdays": ["0", "2", "4"],
        "interval": "1",
        "start_date": "2026-11-16",
        "window_start": "08:00",
        "window_end": "10:00",
    }
    url = reverse("assignment_create", args=[world.client_a.public_id])
    return Post(_signed_in(world.clinician_a), url, form)


def _formulation(world: World) -> Post:
    form = dict.fromkeys(PART_KEYS, "Words for the map") | {
        "based_on": "0",
        "token": str(uuid.uuid4()),
    }
    return Post(_signed_in(world.client_a.user), reverse("my_formulation_edit"), form)


def _journal_entry(world: World) -> Post:
    form = {"token": str(uuid.uuid4()), "title": "Sunday", "body": "Walked by the river."}
    return Post(_signed_in(world.client_a.user), reverse("journal_entry_new"), form)


def _journal_share(world: World) -> Post:
    post = _journal_entry(world)
    assert post.http.post(post.url, post.form).status_code == 302
    entry = JournalEntry.objects.get()
    return Post(post.http, reverse("journal_entry_share", args=[entry.public_id]), {})


def _journal_shared() -> bool:
    return JournalEntry.objects.filter(shared_at__isnull=False).exists()


def _session_note(world: World) -> Post:
    url = reverse("session_create", args=[world.client_a.public_id])
    return Post(_signed_in(world.clinician_a), url, session_form())


def _session_sign(world: World) -> Post:
    post = _session_note(world)
    assert post.http.post(post.url, post.form).status_code == 302
    session = TherapySession.objects.get()
    url = reverse("session_sign", args=[session.public_id])
    return Post(post.http, url, {"version": str(session.version)})


def _invitation(world: World) -> Post:
    clinician = _signed_in(world.clinician_a)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        form = {"name": "Robin Ash", "email": "robin@ex.org"}
        assert clinician.post(reverse("client_add"), form).status_code == 302
    link = re.search(r"http://\S+?(/invitations/\S+/)", mail.outbox[-1].body)
    assert link is not None
    visitor = Client(raise_request_exception=False)
    assert visitor.get(link.group(1)).status_code == 302
    password = "gentle tide evening walk"
    form = {"password1": password, "password2": password}
    return Post(visitor, reverse("invitation_accept"), form)


def _invitation_accepted() -> bool:
    return ClientProfile.objects.filter(email="robin@ex.org", user__isnull=False).exists()


WRITE_PATHS = [
    WritePath("questionnaire with a risk answer", _questionnaire, _questionnaire_stored),
    WritePath("practice log", _practice_log, lambda: PracticeLog.objects.exists()),
    WritePath("assignment", _assignment, lambda: Assignment.objects.exists()),
    WritePath("formulation", _formulation, lambda: FormulationVersion.objects.exists()),
    WritePath("journal entry", _journal_entry, lambda: JournalEntry.objects.exists()),
    WritePath("journal share", _journal_share, _journal_shared, idempotent=False),
    WritePath("session note", _session_note, lambda: TherapySession.objects.exists()),
    WritePath(
        "session sign",
        _session_sign,
        lambda: TherapySession.objects.filter(signed_at__isnull=False).exists(),
        idempotent=False,
    ),
    WritePath("invitation accept", _invitation, _invitation_accepted, idempotent=False),
]
