from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from tending.audit.models import AuditEvent
from tending.practices.models import Practice
from tending.testing.personas import sign_in
from tending.testing.practice_records import make_log
from tending.testing.session_records import make_session, session_form
from tending.therapy_sessions.models import (
    LayerNote,
    SessionAddendum,
    SessionLocked,
    TherapySession,
)
from tending.therapy_sessions.services import (
    NotSigned,
    StaleSession,
    add_addendum,
    delete_session,
    sign_session,
    update_session,
)

MONDAY = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)


@pytest.fixture
def clinician(world, time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return sign_in(Client(), world.clinician_a)


def a_request(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


def sign(http, session, version=1):
    return http.post(reverse("session_sign", args=[session.public_id]), {"version": version})


def test_signing_asks_first_then_locks_the_note(world, clinician):
    session = make_session(world.client_a, on=date(2026, 11, 16))
    confirm = clinician.get(reverse("session_sign", args=[session.public_id]))
    assert confirm.status_code == 200
    assert b"cannot be changed or deleted" in confirm.content
    response = sign(clinician, session)
    assert response["Location"] == session.get_absolute_url()
    session.refresh_from_db()
    assert session.signed_at == MONDAY and session.signed_by == world.clinician_a
    assert session.attached_week is not None
    assert AuditEvent.objects.filter(action="session.signed").count() == 1

    detail = clinician.get(session.get_absolute_url()).content.decode()
    assert "Signed" in detail and reverse("session_edit", args=[session.public_id]) not in detail
    assert reverse("session_addendum", args=[session.public_id]) in detail

    # Signing twice changes nothing.
    assert sign(clinician, session).status_code == 302
    assert AuditEvent.objects.filter(action="session.signed").count() == 1


def test_a_signed_note_refuses_edits_through_the_views(world, clinician):
    session = make_session(world.client_a, on=date(2026, 11, 16), text="Signed words")
    sign(clinician, session)
    url = reverse("session_edit", args=[session.public_id])
    page = clinician.get(url)
    assert page.status_code == 409
    assert b"can no longer be changed" in page.content
    posted = clinician.post(url, session_form(version="1", layer_1_note="Late thought"))
    assert posted.status_code == 409
    assert b"Late thought" in posted.content  # shown so it can go into an addendum
    deleted = clinician.post(reverse("session_delete", args=[session.public_id]))
    assert deleted.status_code == 409
    session.refresh_from_db()
    assert session.version == 1 and session.layers.get().text == "Signed words"
    assert TherapySession.objects.filter(pk=session.pk).exists()


def test_a_signed_note_refuses_changes_in_the_service_and_the_model(world):
    session = make_session(world.client_a, on=date(2026, 11, 16), signed=True)
    request = a_request(world.clinician_a)
    with pytest.raises(SessionLocked):
        update_session(
            request=request,
            clinician=world.clinician_a,
            session=session,
            version=1,
            token=uuid.uuid4(),
            values=_values(),
        )
    with pytest.raises(SessionLocked):
        delete_session(request=request, clinician=world.clinician_a, session=session)
    stale = TherapySession.objects.get(pk=session.pk)
    stale.summary = "Changed behind the service's back"
    with pytest.raises(SessionLocked):
        stale.save()
    with pytest.raises(SessionLocked):
        stale.delete()
    with pytest.raises(SessionLocked):
        TherapySession.objects.filter(pk=session.pk).update(summary="No")
    with pytest.raises(SessionLocked):
        TherapySession.objects.filter(pk=session.pk).delete()
    note = LayerNote.objects.get(session=session)
    note.text = "No"
    with pytest.raises(SessionLocked):
        note.save()
    with pytest.raises(SessionLocked):
        note.delete()
    with pytest.raises(SessionLocked):
        LayerNote.objects.create(session=session, layer=2, text="No")
    session.refresh_from_db()
    assert session.summary == "Summary: A note"


def test_a_draft_is_locked_even_for_an_instance_loaded_before_signing(world):
    session = make_session(world.client_a, on=date(2026, 11, 16))
    loaded_earlier = TherapySession.objects.get(pk=session.pk)
    sign_session(
        request=a_request(world.clinician_a),
        clinician=world.clinician_a,
        session=session,
        version=1,
    )
    loaded_earlier.summary = "Overwrite"
    with pytest.raises(SessionLocked):
        loaded_earlier.save()


def test_addenda_are_added_below_a_signed_note_once(world, clinician):
    session = make_session(world.client_a, on=date(2026, 11, 16))
    sign(clinician, session)
    url = reverse("session_addendum", args=[session.public_id])
    data = {"token": str(uuid.uuid4()), "text": "Client rang afterwards; all well."}
    assert clinician.post(url, data)["Location"] == session.get_absolute_url()
    assert clinician.post(url, data).status_code == 302
    addendum = SessionAddendum.objects.get()
    assert addendum.author == world.clinician_a and addendum.created_at == MONDAY
    page = clinician.get(session.get_absolute_url()).content.decode()
    assert page.index("Client rang afterwards") > page.index("Summary and plan")
    event = AuditEvent.objects.get(action="session.addendum_added")
    assert event.detail == {"addendum": str(addendum.public_id)}
    with pytest.raises(SessionLocked):
        addendum.delete()


def test_an_empty_addendum_is_explained_and_nothing_saved(world, clinician):
    session = make_session(world.client_a, on=date(2026, 11, 16), signed=True)
    response = clinician.post(
        reverse("session_addendum", args=[session.public_id]), {"token": str(uuid.uuid4())}
    )
    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert not SessionAddendum.objects.exists()


def test_a_draft_takes_edits_not_addenda(world, clinician):
    session = make_session(world.client_a, on=date(2026, 11, 16))
    data = {"token": str(uuid.uuid4()), "text": "Too early"}
    response = clinician.post(reverse("session_addendum", args=[session.public_id]), data)
    assert response.status_code == 302
    assert not SessionAddendum.objects.exists()
    with pytest.raises(NotSigned):
        add_addendum(
            request=a_request(world.clinician_a),
            clinician=world.clinician_a,
            session=session,
            token=uuid.uuid4(),
            text="Too early",
        )


def test_signing_a_note_changed_since_it_was_read_asks_again(world, clinician):
    session = make_session(world.client_a, on=date(2026, 11, 16))
    clinician.post(reverse("session_edit", args=[session.public_id]), session_form(version="1"))
    response = sign(clinician, session, version=1)
    assert response.status_code == 409
    assert b"Read it again, then sign" in response.content
    session.refresh_from_db()
    assert session.signed_at is None
    with pytest.raises(StaleSession):
        sign_session(
            request=a_request(world.clinician_a),
            clinician=world.clinician_a,
            session=session,
            version=1,
        )


def test_the_signed_snapshot_keeps_what_the_clinician_saw(world, clinician):
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    safe_place = Practice.objects.get(key="safe-place")
    session = make_session(world.client_a, on=date(2026, 11, 16), start=time(14))
    make_log(world.client_a, breathing, days_ago=2, seconds=600)
    sign(clinician, session)
    frozen = dict(TherapySession.objects.get(pk=session.pk).attached_week)
    assert frozen["total_times"] == 1 and frozen["total_minutes"] == 10

    # A late log arrives from a phone, dated inside the window.
    late = make_log(world.client_a, safe_place, seconds=300)
    type(late).objects.filter(pk=late.pk).update(started_at=MONDAY - timedelta(days=1))
    assert TherapySession.objects.get(pk=session.pk).attached_week == frozen
    page = clinician.get(session.get_absolute_url()).content.decode()
    assert "Soothing rhythm breathing" in page and "Safe place" not in page
    assert "1 time, 10 minutes" in page

    # A draft shows it at once.
    draft = make_session(world.client_b, on=date(2026, 11, 16), start=time(14))
    make_log(world.client_b, safe_place, days_ago=1, seconds=300)
    assert "Safe place" in clinician.get(draft.get_absolute_url()).content.decode()


def _values():
    from tending.therapy_sessions.services import SessionValues

    return SessionValues(
        date=date(2026, 11, 16), start_time=None, minutes=50, attendance="attended", format="video"
    )
