"""A "full" client: at least one row in every model that holds something about a client.

Every text carries CANARY-erase, so a search of the whole database after erasure finds any
copy left behind.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from axes.models import AccessAttempt
from django.test import RequestFactory
from django.utils import timezone

from tending.accounts.models import ClientProfile, Invitation, hash_token
from tending.assignments.models import (
    AssignmentVersion,
    ReminderDelivery,
    ReminderPreference,
)
from tending.measures.definitions import get_definition
from tending.measures.models import MeasureRequest, Response
from tending.measures.services import submit_response
from tending.practices.models import Practice
from tending.safety.models import ContactDetails, RiskAnswer, RiskEpisode, SafetyPlan
from tending.testing.formulation_records import (
    add_check_in,
    add_link,
    add_version,
    practice_homework,
)
from tending.testing.journal_records import make_entry, make_reply
from tending.testing.measure_records import PHQ9_POSITIVE
from tending.testing.personas import World, make_client
from tending.testing.practice_records import make_log
from tending.testing.session_records import make_reflection, make_session
from tending.therapy_sessions.models import SessionHomework, SessionPractice
from tending.understanding.models import ModuleProgress

CANARY = "CANARY-erase"


def build_full_client(world: World, key: str = "erase") -> ClientProfile:
    """Return a client of clinician A with a row in every client-linked model."""
    client = make_client(world.org_a, world.clinician_a, key)
    user = client.user
    assert user is not None
    clinician = world.clinician_a
    text = f"CANARY-{key}"
    breathing = Practice.objects.get(key="soothing-rhythm-breathing", organisation=None)

    Invitation.objects.create(
        organisation=world.org_a,
        role="client",
        email=client.email,
        name=client.name,
        client=client,
        token_hash=hash_token(uuid.uuid4().hex),
        created_by=clinician,
        expires_at=timezone.now() + timedelta(days=7),
        accepted_at=timezone.now(),
    )
    make_log(client, breathing, note=f"Private note {text}")
    make_log(client, breathing, note=f"Shared note {text}", note_shared=True)

    homework = practice_homework(client, clinician)
    homework.instructions = f"Instructions {text}"
    homework.save()
    AssignmentVersion.objects.create(
        assignment=homework, version=1, snapshot={"instructions": text}, changed_by=clinician
    )
    ReminderDelivery.objects.create(assignment=homework, day=date(2026, 11, 2))
    ReminderPreference.objects.create(client=client, enabled=False)

    request = RequestFactory().post("/")
    request.user = user
    asked = MeasureRequest.objects.create(client=client, measure_key="phq9", requested_by=clinician)
    response, _ = submit_response(
        request=request,
        client=client,
        definition=get_definition("phq9"),
        answers=PHQ9_POSITIVE,
        token=uuid.uuid4(),
        entered_by=user,
        source=Response.Source.CLIENT,
        measure_request=asked,
    )
    answer = RiskAnswer.objects.get(response_id=response.public_id)
    RiskEpisode.objects.filter(pk=answer.episode_id).update(
        note=f"Called {text}",
        actions=["phoned"],
        closed_at=timezone.now(),
        closed_by=clinician,
    )
    ContactDetails.objects.create(
        client=client,
        mobile="+447700900123",
        preferred_times=f"Evenings {text}",
        emergency_name=f"Sam {text}",
        emergency_relationship=f"Friend {text}",
        emergency_phone="+447700900456",
        updated_by=user,
    )
    plan = SafetyPlan.objects.create(client=client, version=1)
    plan.versions.create(
        number=1,
        token=uuid.uuid4(),
        author=user,
        author_role="client",
        author_name=client.name,
        warning_signs=f"Warning signs {text}",
        people_to_ask=f"My sister {text}",
    )

    add_version(client, user, "client", history=f"History {text}", self_relating=text)
    add_link(client, "history", homework, clinician)
    add_check_in(client, note=f"Circles {text}", soothe_activators=f"Dog {text}")
    ModuleProgress.objects.create(
        client=client, module_key="tricky-brain", opened_at=timezone.now(), opened_version=1
    )

    make_entry(client, title=f"Private {text}", texts={"body": f"Private words {text}"})
    shared = make_entry(
        client, title=f"Shared {text}", texts={"body": f"Shared words {text}"}, shared=True
    )
    make_reply(shared, clinician, f"Reply {text}")

    draft = make_session(client, on=date(2026, 11, 2), text=f"Draft {text}")
    SessionPractice.objects.create(session=draft, practice=breathing)
    SessionHomework.objects.create(session=draft, assignment=homework)
    signed = make_session(client, on=date(2026, 11, 9), text=f"Signed {text}")
    SessionPractice.objects.create(session=signed, practice=breathing)
    SessionHomework.objects.create(session=signed, assignment=homework)
    signed.signed_at = timezone.now()
    signed.signed_by = clinician
    signed.save()
    signed.addenda.create(author=clinician, token=uuid.uuid4(), text=f"Addendum {text}")
    # The clinician's own development note: it is theirs, so erasure only unlinks it.
    make_reflection(clinician, "The clinician's own reflection", client=client)

    AccessAttempt.objects.create(
        username=user.email,
        ip_address="127.0.0.9",
        user_agent="test",
        failures_since_start=1,
        http_accept="*/*",
        path_info="/sign-in/",
        get_data="",
        post_data="",
    )
    return client
