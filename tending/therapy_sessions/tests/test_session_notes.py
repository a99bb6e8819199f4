from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tending.assignments.models import Assignment
from tending.audit.models import AuditEvent
from tending.practices.models import Practice
from tending.safety.models import RiskAnswer
from tending.testing.measure_records import answer_phq9
from tending.testing.personas import sign_in
from tending.testing.session_records import make_session, session_form
from tending.therapy_sessions.models import LayerNote, TherapySession
from tending.therapy_sessions.services import layer_summary

MONDAY = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)


@pytest.fixture
def clinician(world, time_machine):
    time_machine.move_to(MONDAY)
    return sign_in(Client(), world.clinician_a)


def create_url(world):
    return reverse("session_create", args=[world.client_a.public_id])


def test_it_records_a_draft_with_notes_by_layer_and_lever(world, clinician):
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    homework = Assignment.objects.create(
        client=world.client_a,
        kind="practice",
        practice=breathing,
        repeat="daily",
        start_date=date(2026, 11, 1),
        created_by=world.clinician_a,
    )
    page = clinician.get(create_url(world))
    assert page.status_code == 200
    assert b"Support: safeness" in page.content
    assert reverse("assignment_create", args=[world.client_a.public_id]).encode() in page.content

    response = clinician.post(
        create_url(world),
        session_form(practices=[str(breathing.public_id)], homework=[str(homework.public_id)]),
    )
    session = TherapySession.objects.get()
    assert response["Location"] == session.get_absolute_url()
    assert session.clinician == world.clinician_a and session.signed_at is None
    notes = {note.layer: note for note in session.layers.all()}
    assert set(notes) == {1, 4}  # empty layers get no row
    assert notes[1].levers == ["support", "model"] and notes[4].levers == ["train"]
    assert list(session.practices.all()) == [breathing]
    assert list(session.homework.all()) == [homework]

    detail = clinician.get(session.get_absolute_url())
    body = detail.content.decode()
    assert "Slowed down together" in body and "Draft" in body
    assert "1. Therapeutic relationship" in body and "Nothing noted in this layer." in body
    assert reverse("session_sign", args=[session.public_id]) in body


def test_it_edits_a_draft_and_keeps_the_version_count(world, clinician):
    session = make_session(world.client_a, on=date(2026, 11, 16))
    url = reverse("session_edit", args=[session.public_id])
    page = clinician.get(url)
    assert b"A note" in page.content
    response = clinician.post(
        url,
        session_form(version="1", layer_1_note="Changed", layer_4_note="", layer_4_levers=[]),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.version == 2
    assert [(n.layer, n.text) for n in session.layers.all()] == [(1, "Changed")]


def test_a_version_conflict_keeps_what_was_typed_and_shows_the_saved_text(world, clinician):
    session = make_session(world.client_a, on=date(2026, 11, 16), text="Original")
    url = reverse("session_edit", args=[session.public_id])
    # Another tab saves first.
    clinician.post(url, session_form(version="1", layer_1_note="Saved in the other tab"))
    response = clinician.post(
        url, session_form(version="1", layer_1_note="Typed here, must not be lost")
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Typed here, must not be lost" in body
    assert "Saved in the other tab" in body
    assert "your changes are not saved yet" in body
    assert 'name="version" value="2"' in body  # saving again is now a deliberate overwrite
    session.refresh_from_db()
    assert session.version == 2
    assert session.layers.get(layer=1).text == "Saved in the other tab"


def test_a_double_submit_makes_one_session_and_one_edit(world, clinician):
    data = session_form()
    first = clinician.post(create_url(world), data)
    second = clinician.post(create_url(world), data)
    assert TherapySession.objects.count() == 1
    assert first["Location"] == second["Location"]

    session = TherapySession.objects.get()
    edit = session_form(version="1", layer_1_note="Edited once")
    url = reverse("session_edit", args=[session.public_id])
    assert clinician.post(url, edit).status_code == 302
    assert clinician.post(url, edit).status_code == 302  # the retry is not a conflict
    session.refresh_from_db()
    assert session.version == 2
    assert AuditEvent.objects.filter(action="session.updated").count() == 1


def test_bad_input_keeps_everything_typed(world, clinician):
    response = clinician.post(
        create_url(world),
        session_form(minutes="0", date="2027-03-01", layer_2_note="Kept words"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Kept words" in body and "Plan: keep breathing practice" in body
    assert "Record a session once it has happened." in body
    assert not TherapySession.objects.exists()


def test_a_form_without_its_token_saves_nothing(world, clinician):
    response = clinician.post(create_url(world), session_form(token=None))
    assert response.status_code == 400
    assert b"Part of this form was missing" in response.content
    assert not TherapySession.objects.exists()


def test_free_text_is_encrypted_at_rest(world):
    session = make_session(world.client_a, on=date(2026, 11, 16), text="CANARY-secret words")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT summary, risk_note FROM therapy_sessions_therapysession WHERE id = %s",
            [session.pk],
        )
        row = cursor.fetchone()
        cursor.execute("SELECT text FROM therapy_sessions_layernote")
        row += cursor.fetchone()
    assert all(value.startswith("f1:") and "CANARY" not in value for value in row)


def test_audit_rows_name_records_but_hold_no_clinical_text(world, clinician):
    clinician.post(create_url(world), session_form(layer_1_note="CANARY-audit_text"))
    session = TherapySession.objects.get()
    clinician.get(session.get_absolute_url())
    clinician.post(
        reverse("session_edit", args=[session.public_id]),
        session_form(version="1", layer_1_note="CANARY-audit_text again"),
    )
    events = AuditEvent.objects.filter(action__startswith="session.")
    assert {e.action for e in events} == {"session.created", "session.viewed", "session.updated"}
    assert all(e.target_id == str(session.public_id) for e in events)
    assert all(e.client_id == world.client_a.public_id for e in events)
    assert "CANARY" not in str(list(events.values_list("detail", flat=True)))


def test_an_open_risk_episode_is_linked_from_the_form_and_the_note(world, clinician):
    episode = RiskAnswer.objects.get(response_id=answer_phq9(world).public_id).episode
    page = clinician.get(create_url(world))
    assert episode.get_absolute_url().encode() in page.content
    assert b"High-priority risk answers waiting since" in page.content
    session = make_session(world.client_a, on=date(2026, 11, 16))
    assert episode.get_absolute_url().encode() in clinician.get(session.get_absolute_url()).content


def test_an_author_deletes_a_draft(world, clinician):
    session = make_session(world.client_a, on=date(2026, 11, 16))
    response = clinician.post(reverse("session_delete", args=[session.public_id]))
    assert response["Location"] == reverse("client_sessions", args=[world.client_a.public_id])
    assert not TherapySession.objects.exists() and not LayerNote.objects.exists()
    assert AuditEvent.objects.filter(action="session.deleted").count() == 1


def test_the_session_list_shows_layers_and_status_in_bounded_queries(world, clinician):
    for day in range(2, 12):
        make_session(world.client_a, on=date(2026, 11, day), signed=day % 2 == 0, addendum="")
    url = reverse("client_sessions", args=[world.client_a.public_id])
    clinician.get(url)  # warm up the session and user caches
    with CaptureQueriesContext(connection) as few:
        clinician.get(url)
    for day in range(12, 16):
        make_session(world.client_a, on=date(2026, 11, day))
    with CaptureQueriesContext(connection) as more:
        page = clinician.get(url)
    assert len(more) == len(few)
    body = page.content.decode()
    assert body.count("1. Relationship") == 14
    assert "Signed" in body and "Draft" in body


def test_the_detail_page_costs_the_same_whatever_the_history(world, clinician):
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    session = make_session(world.client_a, on=date(2026, 11, 16))
    clinician.get(session.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        clinician.get(session.get_absolute_url())
    from tending.testing.practice_records import make_log

    for days in range(1, 6):
        make_log(world.client_a, breathing, days_ago=days)
        answer_phq9(world)
    with CaptureQueriesContext(connection) as more:
        clinician.get(session.get_absolute_url())
    assert len(more) == len(few)


def test_the_client_record_links_to_the_sessions(world, clinician):
    page = clinician.get(world.client_a.get_absolute_url())
    assert reverse("client_sessions", args=[world.client_a.public_id]).encode() in page.content


def test_layer_summary_counts_sessions_levers_and_dates_per_layer(world):
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    first = make_session(world.client_a, on=date(2026, 11, 2), signed=True)
    second = make_session(world.client_a, on=date(2026, 11, 9))
    LayerNote.objects.create(session=second, layer=3, lever_shape=True, lever_train=True)
    second.practices.set([breathing])
    make_session(world.client_b, on=date(2026, 11, 10))  # another client: not counted
    with CaptureQueriesContext(connection) as queries:
        summary = layer_summary(world.client_a)
    assert len(queries) == 2
    by_layer = {row.layer: row for row in summary}
    assert [row.layer for row in summary] == [1, 2, 3, 4]
    assert by_layer[1].sessions == 2 and by_layer[1].levers["support"] == 2
    assert by_layer[1].last_date == date(2026, 11, 9)
    assert by_layer[2].sessions == 0 and by_layer[2].last_date is None
    assert by_layer[3].levers == {"support": 0, "model": 0, "shape": 1, "train": 1}
    assert by_layer[4].practices_in_session == 1  # soothing rhythm breathing is layer 4
    signed = {row.layer: row for row in layer_summary(world.client_a, signed_only=True)}
    assert signed[1].sessions == 1 and signed[1].last_date == first.date
    assert signed[3].sessions == 0 and signed[4].practices_in_session == 0


def test_a_new_token_on_every_form(world, clinician):
    first = clinician.get(create_url(world)).content
    second = clinician.get(create_url(world)).content
    token = 'name="token" value="'
    assert first.split(token.encode())[1][:36] != second.split(token.encode())[1][:36]
    uuid.UUID(first.split(token.encode())[1][:36].decode())
