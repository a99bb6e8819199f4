"""Homework offers a scoring-only questionnaire only with the organisation's licensed wording.

Hazard H-005: without it the client would see "Item 1", "Item 2"… on a schedule, with
reminders to answer what they cannot read.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time

from django.test import RequestFactory
from django.urls import reverse

from tending.assignments.models import Assignment
from tending.assignments.reminders import due_reminders
from tending.measures.definitions import get_definition
from tending.measures.models import MeasureRequest, Response
from tending.measures.services import submit_response
from tending.testing.measure_records import import_licensed_wording
from tending.testing.personas import sign_in

MONDAY_9AM_LONDON = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # GMT: 09:00 local


def homework_form(what: str) -> dict[str, str | list[str]]:
    return {
        "token": str(uuid.uuid4()),
        "what": what,
        "instructions": "When you have a quiet moment CANARY-typed",
        "repeat": "weekdays",
        "weekdays": ["0"],
        "interval": "1",
        "start_date": "2026-11-16",
        "window_start": "08:00",
        "window_end": "10:00",
    }


def fscrs_homework(world) -> Assignment:
    """Set before this control existed: straight into the database."""
    return Assignment.objects.create(
        client=world.client_a,
        created_by=world.clinician_a,
        kind="measure",
        measure_key="fscrs",
        repeat="daily",
        start_date=date(2026, 11, 2),
        window_start=time(8),
        window_end=time(10),
    )


def test_the_homework_form_greys_out_a_questionnaire_without_wording(world, http):
    sign_in(http, world.clinician_a)
    url = reverse("assignment_create", args=[world.client_a.public_id])
    page = http.get(url).content.decode()
    assert re.search(
        r'<option value="measure:fscrs" disabled>FSCRS \(needs your organisation', page
    )
    assert re.search(r'<option value="measure:phq9">PHQ-9</option>', page)

    import_licensed_wording(world.org_a, "fscrs")
    page = http.get(url).content.decode()
    assert re.search(r'<option value="measure:fscrs">FSCRS</option>', page)


def test_a_crafted_homework_post_without_wording_is_refused_and_the_form_kept(
    world, http, time_machine
):
    time_machine.move_to(MONDAY_9AM_LONDON)
    sign_in(http, world.clinician_a)
    url = reverse("assignment_create", args=[world.client_a.public_id])
    response = http.post(url, homework_form("measure:fscrs"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "The FSCRS needs your organisation&#x27;s licensed wording before a client" in page
    assert "CANARY-typed" in page
    assert re.search(r"<option value=\"measure:fscrs\" selected disabled>", page)
    assert not Assignment.objects.exists()

    import_licensed_wording(world.org_a, "fscrs")
    assert http.post(url, homework_form("measure:fscrs")).status_code == 302
    assert Assignment.objects.get().measure_key == "fscrs"


def test_homework_set_before_the_control_never_asks_the_client_to_answer_item_numbers(
    world, http, time_machine
):
    time_machine.move_to(MONDAY_9AM_LONDON)
    assignment = fscrs_homework(world)
    client = sign_in(http.__class__(), world.client_a.user)
    today = client.get(reverse("today")).content.decode()
    fill_in = reverse("homework_questionnaire", args=[assignment.public_id])
    assert fill_in not in today
    assert "Your therapist will go through the FSCRS with you" in today
    assert due_reminders(MONDAY_9AM_LONDON) == {}

    opened = client.post(fill_in)  # an old page, or a crafted post
    assert opened.status_code == 200
    assert b"This questionnaire cannot be filled in online yet" in opened.content
    assert b"Item 1" not in opened.content
    assert not MeasureRequest.objects.exists()

    sign_in(http, world.clinician_a)
    homework = http.get(reverse("client_assignments", args=[world.client_a.public_id]))
    assert b"cannot answer this online until your organisation imports" in homework.content
    http.post(reverse("assignment_status", args=[assignment.public_id]), {"status": "ended"})
    assignment.refresh_from_db()
    assert assignment.status == "ended"  # it can still be ended

    import_licensed_wording(world.org_a, "fscrs")
    assert due_reminders(MONDAY_9AM_LONDON) == {}  # ended stays ended


def test_homework_with_imported_wording_is_due_and_reminded_as_usual(world, http, time_machine):
    time_machine.move_to(MONDAY_9AM_LONDON)
    import_licensed_wording(world.org_a, "fscrs")
    assignment = fscrs_homework(world)
    assert due_reminders(MONDAY_9AM_LONDON) == {world.client_a.pk: [(assignment.pk, "2026-11-16")]}
    client = sign_in(http, world.client_a.user)
    opened = client.post(reverse("homework_questionnaire", args=[assignment.public_id]))
    page = client.get(opened["Location"])
    assert b"Licensed fscrs item 1" in page.content


def answer_fscrs_on_paper(world) -> None:
    request = RequestFactory().post("/")
    request.user = world.clinician_a
    submit_response(
        request=request,
        client=world.client_a,
        definition=get_definition("fscrs"),
        answers=dict.fromkeys(range(1, 23), 2),
        token=uuid.uuid4(),
        entered_by=world.clinician_a,
        source=Response.Source.PAPER,
    )


def dashboard_homework_cell(http, world) -> str:
    page = http.get(reverse("dashboard")).content.decode()
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*?{world.client_a.name}.*?</tr>", page, re.S)
    assert row is not None
    return row.group(0)


def test_homework_the_client_cannot_answer_online_is_never_counted_as_missed(
    world, http, time_machine
):
    fscrs_homework(world)  # daily 08:00-10:00 since 2 November, no wording imported
    time_machine.move_to(datetime(2026, 11, 17, 9, 0, tzinfo=UTC))  # Tuesday, in its window
    answer_fscrs_on_paper(world)  # the clinician went through it with them in session
    time_machine.move_to(datetime(2026, 11, 18, 12, 0, tzinfo=UTC))  # Wednesday noon
    sign_in(http, world.clinician_a)

    # Monday to Wednesday have closed: only the time it was done counts, none as missed.
    assert "1 of 1 done" in dashboard_homework_cell(http, world)
    homework = http.get(reverse("client_assignments", args=[world.client_a.public_id]))
    weeks = homework.content.decode()
    assert '<th scope="row">16 Nov</th><td>1 of 1</td>' in weeks
    assert '<th scope="row">9 Nov</th><td>not asked online</td>' in weeks
    assert " of 7" not in weeks

    # Once the client can answer it online, a closed window left unanswered is missed again.
    import_licensed_wording(world.org_a, "fscrs")
    weeks = http.get(reverse("client_assignments", args=[world.client_a.public_id]))
    assert '<th scope="row">16 Nov</th><td>1 of 3</td>' in weeks.content.decode()
