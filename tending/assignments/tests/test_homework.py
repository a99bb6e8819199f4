from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from tending.assignments.models import Assignment, AssignmentVersion
from tending.assignments.services import adherence, agenda_for
from tending.audit.models import AuditEvent
from tending.measures.models import MeasureRequest, Response
from tending.practices.models import Practice
from tending.safety.models import RiskAnswer
from tending.testing.measure_records import PHQ9_POSITIVE, answer_phq9
from tending.testing.personas import sign_in
from tending.testing.practice_records import make_log

MONDAY_9AM_LONDON = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # GMT: 09:00 local


@pytest.fixture
def breathing(db):
    return Practice.objects.get(key="soothing-rhythm-breathing")


def assign(world, practice=None, measure="", **schedule):
    values = {
        "repeat": "weekdays",
        "weekdays": [0, 2, 4],
        "start_date": date(2026, 11, 2),
        "window_start": time(8),
        "window_end": time(10),
    } | schedule
    return Assignment.objects.create(
        client=world.client_a,
        created_by=world.clinician_a,
        kind="practice" if practice else "measure",
        practice=practice,
        measure_key=measure,
        **values,
    )


def test_a_clinician_sets_mon_wed_fri_8_to_10_and_the_client_sees_it_today(
    world, http, breathing, time_machine
):
    time_machine.move_to(MONDAY_9AM_LONDON)
    sign_in(http, world.clinician_a)
    response = http.post(
        reverse("assignment_create", args=[world.client_a.public_id]),
        {
            "token": str(uuid.uuid4()),
            "what": f"practice:{breathing.public_id}",
            "instructions": "Before breakfast",
            "repeat": "weekdays",
            "weekdays": ["0", "2", "4"],
            "interval": "1",
            "start_date": "2026-11-16",
            "window_start": "08:00",
            "window_end": "10:00",
        },
    )
    assert response["Location"] == reverse("client_assignments", args=[world.client_a.public_id])
    assignment = Assignment.objects.get()
    assert assignment.weekdays == [0, 2, 4]
    assert b"Mon, Wed and Fri, 08:00 to 10:00" in http.get(response["Location"]).content

    client = sign_in(type(http)(), world.client_a.user)
    today = client.get(reverse("today"))
    assert b"Soothing rhythm breathing" in today.content
    assert b"Between 08:00 and 10:00" in today.content
    assert reverse("practice_play", args=[breathing.public_id]).encode() in today.content
    assert b"Wednesday 18 November: Soothing rhythm breathing" in today.content


def test_an_impossible_schedule_is_explained_and_the_form_kept(world, http, breathing):
    sign_in(http, world.clinician_a)
    response = http.post(
        reverse("assignment_create", args=[world.client_a.public_id]),
        {
            "token": str(uuid.uuid4()),
            "what": f"practice:{breathing.public_id}",
            "repeat": "weekdays",
            "interval": "1",
            "start_date": "2026-11-16",
            "window_start": "10:00",
            "window_end": "08:00",
            "instructions": "Kept text",
        },
    )
    assert response.status_code == 400
    assert b"This schedule cannot work" in response.content
    assert b"Kept text" in response.content
    assert not Assignment.objects.exists()


def test_practice_inside_the_window_counts_as_done(world, breathing, time_machine):
    time_machine.move_to(MONDAY_9AM_LONDON)
    assign(world, practice=breathing)
    assert [i.assignment.practice for i in agenda_for(world.client_a, MONDAY_9AM_LONDON).due] == [
        breathing
    ]
    make_log(world.client_a, breathing, seconds=120)  # practised just now, inside 08:00 to 10:00
    agenda = agenda_for(world.client_a, MONDAY_9AM_LONDON)
    assert agenda.due == [] and [i.assignment.practice for i in agenda.done] == [breathing]


def test_a_closed_window_leaves_today_without_a_missed_mark(world, http, breathing, time_machine):
    assign(world, measure="phq9", repeat="daily", window_start=time(8), window_end=time(10))
    eleven = MONDAY_9AM_LONDON + timedelta(hours=2)
    time_machine.move_to(eleven)
    agenda = agenda_for(world.client_a, eleven)
    assert agenda.due == [] and agenda.done == []
    page = sign_in(http, world.client_a.user).get(reverse("today"))
    assert b"PHQ9" not in page.content.split(b"Coming up")[0]
    assert b"missed" not in page.content.lower()


def test_imagery_rests_while_a_risk_episode_is_open(world, http, breathing, time_machine):
    time_machine.move_to(MONDAY_9AM_LONDON)
    safe_place = Practice.objects.get(key="safe-place")
    assign(world, practice=safe_place)
    assign(world, practice=breathing)
    answer_phq9(world, PHQ9_POSITIVE)
    agenda = agenda_for(world.client_a, MONDAY_9AM_LONDON)
    assert [a.practice for a in agenda.paused_for_safety] == [safe_place]
    assert [i.assignment.practice for i in agenda.due] == [breathing]
    page = sign_in(http, world.client_a.user).get(reverse("today"))
    assert b"Some practices are resting for now" in page.content


def test_adherence_counts_only_closed_or_done_occurrences(world, breathing, time_machine):
    time_machine.move_to(MONDAY_9AM_LONDON)
    assignment = assign(world, practice=breathing, start_date=date(2026, 11, 2))
    log = make_log(world.client_a, breathing)
    # Move the log into last Wednesday's window (08:30 London).
    type(log).objects.filter(pk=log.pk).update(started_at=datetime(2026, 11, 11, 8, 30, tzinfo=UTC))
    weeks = adherence(assignment, MONDAY_9AM_LONDON, weeks=3)
    assert [(w.starts, w.expected, w.done) for w in weeks] == [
        (date(2026, 11, 2), 3, 0),
        (date(2026, 11, 9), 3, 1),
        (date(2026, 11, 16), 0, 0),  # today's window is still open: not expected yet
    ]


def test_edits_keep_history_and_pausing_twice_changes_nothing(world, http, breathing):
    assignment = assign(world, practice=breathing)
    sign_in(http, world.clinician_a)
    http.post(
        reverse("assignment_edit", args=[assignment.public_id]),
        {
            "token": str(uuid.uuid4()),
            "what": f"practice:{breathing.public_id}",
            "repeat": "daily",
            "interval": "1",
            "start_date": "2026-11-02",
        },
    )
    status_url = reverse("assignment_status", args=[assignment.public_id])
    http.post(status_url, {"status": "paused"})
    http.post(status_url, {"status": "paused"})
    assignment.refresh_from_db()
    assert (assignment.repeat, assignment.status, assignment.version) == ("daily", "paused", 3)
    assert list(AssignmentVersion.objects.values_list("version", "snapshot__repeat")) == [
        (2, "daily"),
        (1, "weekdays"),
    ]
    assert AuditEvent.objects.filter(action="assignment.updated").count() == 2


def test_fill_in_opens_one_questionnaire_request_however_often_it_is_pressed(
    world, http, time_machine
):
    time_machine.move_to(MONDAY_9AM_LONDON)
    assignment = assign(world, measure="phq9", repeat="every_n_weeks", interval=2, weekdays=[0])
    client = sign_in(http, world.client_a.user)
    url = reverse("homework_questionnaire", args=[assignment.public_id])
    first, second = client.post(url), client.post(url)
    asked = MeasureRequest.objects.get()
    assert first["Location"] == second["Location"] == asked.get_absolute_url()


def test_a_clinician_asking_for_a_questionnaire_opened_from_homework_reaches_the_client(
    world, http, time_machine
):
    time_machine.move_to(MONDAY_9AM_LONDON)
    assignment = assign(world, measure="phq9", repeat="every_n_weeks", interval=2, weekdays=[0])
    client = sign_in(http, world.client_a.user)
    client.post(reverse("homework_questionnaire", args=[assignment.public_id]))
    assert MeasureRequest.objects.get().from_homework

    clinician = sign_in(http.__class__(), world.clinician_a)
    clinician.post(reverse("measure_request", args=[world.client_a.public_id]), {"measure": "phq9"})
    asked = MeasureRequest.objects.get()  # the same request, now asked for directly
    assert not asked.from_homework and asked.requested_by == world.clinician_a
    # Listed as asked by the therapist, so it stays after the homework window closes.
    today = client.get(reverse("today")).content.decode()
    assert "Your therapist asked you to fill in" in today
    assert f'href="{asked.get_absolute_url()}">PHQ-9</a>' in today


def test_the_client_sees_this_weeks_adherence_gently(world, http, breathing, time_machine):
    time_machine.move_to(datetime(2026, 11, 19, 12, 0, tzinfo=UTC))  # Thursday
    assign(world, practice=breathing, start_date=date(2026, 11, 2))
    log = make_log(world.client_a, breathing)
    type(log).objects.filter(pk=log.pk).update(started_at=datetime(2026, 11, 18, 8, 45, tzinfo=UTC))
    page = sign_in(http, world.client_a.user).get(reverse("today"))
    assert b"you made time 1 of the 2 times suggested" in page.content  # Mon and Wed have closed
    assert b"not a score" in page.content


def test_the_edit_form_shows_dates_the_browser_can_read(world, http, breathing):
    assignment = assign(world, practice=breathing, end_date=date(2026, 12, 24))
    page = sign_in(http, world.clinician_a).get(
        reverse("assignment_edit", args=[assignment.public_id])
    )
    assert b'value="2026-11-02"' in page.content and b'value="2026-12-24"' in page.content
    assert b'value="08:00"' in page.content


def test_a_double_submitted_new_assignment_is_saved_once(world, http, breathing):
    sign_in(http, world.clinician_a)
    form = {
        "token": str(uuid.uuid4()),
        "what": f"practice:{breathing.public_id}",
        "repeat": "daily",
        "interval": "1",
        "start_date": "2026-11-16",
    }
    url = reverse("assignment_create", args=[world.client_a.public_id])
    http.post(url, form)
    http.post(url, form)
    assert Assignment.objects.count() == 1


def test_the_start_date_offered_is_the_clients_own_today(world, http, time_machine):
    time_machine.move_to(datetime(2026, 11, 17, 2, 0, tzinfo=UTC))  # Mon 18:00 in Los Angeles
    world.client_a.time_zone = "America/Los_Angeles"
    world.client_a.save()
    page = sign_in(http, world.clinician_a).get(
        reverse("assignment_create", args=[world.client_a.public_id])
    )
    assert b'value="2026-11-16"' in page.content


def test_weeks_while_paused_or_after_ending_are_not_expected(world, http, breathing, time_machine):
    time_machine.move_to(datetime(2026, 11, 9, 12, 0, tzinfo=UTC))
    assignment = assign(world, practice=breathing, start_date=date(2026, 11, 2))
    sign_in(http, world.clinician_a)
    status_url = reverse("assignment_status", args=[assignment.public_id])
    http.post(status_url, {"status": "paused"})  # paused from Monday 9 November, noon
    time_machine.move_to(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    sign_in(http, world.clinician_a)  # two weeks later: a new session
    http.post(status_url, {"status": "ended"})
    assignment.refresh_from_db()
    assert assignment.end_date == date(2026, 11, 23)
    weeks = adherence(assignment, datetime(2026, 11, 30, 12, 0, tzinfo=UTC), weeks=5)
    assert [(w.starts, w.expected) for w in weeks] == [
        (date(2026, 11, 2), 3),  # Mon, Wed, Fri while active
        (date(2026, 11, 9), 1),  # Monday closed before the pause at noon
        (date(2026, 11, 16), 0),  # paused
        (date(2026, 11, 23), 0),  # paused, then ended
        (date(2026, 11, 30), 0),  # after the end date
    ]


def test_an_item_whose_window_has_not_opened_waits_without_a_begin_button(
    world, http, breathing, time_machine
):
    time_machine.move_to(datetime(2026, 11, 16, 7, 30, tzinfo=UTC))
    assign(world, practice=breathing)
    page = sign_in(http, world.client_a.user).get(reverse("today"))
    assert b"From 08:00. It will be here then." in page.content
    assert reverse("practice_play", args=[breathing.public_id]).encode() not in page.content


def test_homework_questionnaires_only_open_while_due_and_do_not_linger(world, http, time_machine):
    time_machine.move_to(MONDAY_9AM_LONDON)
    assignment = assign(
        world, measure="phq9", repeat="daily", window_start=time(8), window_end=time(10)
    )
    client = sign_in(http, world.client_a.user)
    url = reverse("homework_questionnaire", args=[assignment.public_id])
    response = client.post(url)
    asked = MeasureRequest.objects.get()
    assert response["Location"] == asked.get_absolute_url() and asked.from_homework
    time_machine.move_to(MONDAY_9AM_LONDON + timedelta(hours=3))
    sign_in(client, world.client_a.user)  # three hours later: a new session
    assert client.post(url)["Location"] == reverse("today")
    assert b"Your therapist asked you to fill in" not in client.get(reverse("today")).content
    Assignment.objects.filter(pk=assignment.pk).update(status="paused")
    assert client.post(url).status_code == 404


def test_a_homework_questionnaire_left_open_is_not_offered_once_closed_but_sent_answers_are_kept(
    world, http, time_machine
):
    """H-024: a tab left open on the phone, reloaded after the window or after a pause."""
    time_machine.move_to(MONDAY_9AM_LONDON)
    assignment = assign(world, measure="phq9", repeat="daily")  # 08:00 to 10:00
    client = sign_in(http, world.client_a.user)
    asked_url = client.post(reverse("homework_questionnaire", args=[assignment.public_id]))[
        "Location"
    ]
    page = client.get(asked_url)
    assert b'name="item_9"' in page.content  # open in its window
    token = re.search(rb'name="token" value="([^"]+)"', page.content).group(1).decode()

    time_machine.move_to(MONDAY_9AM_LONDON + timedelta(hours=3))  # 12:00, window closed
    sign_in(client, world.client_a.user)
    closed = client.get(asked_url)
    assert closed.status_code == 200
    assert b"This questionnaire has closed for now" in closed.content
    assert b'name="item_9"' not in closed.content

    # Answers already typed and sent late are saved, and a risk answer still reaches the
    # clinician in an open risk episode.
    answers = {f"item_{n}": str(v) for n, v in PHQ9_POSITIVE.items()} | {"token": token}
    sent = client.post(asked_url, answers)
    response = Response.objects.get()
    assert sent["Location"] == response.get_absolute_url()
    answer = RiskAnswer.objects.get(response_id=response.public_id)
    assert answer.episode.is_open


def test_a_paused_homework_questionnaire_is_not_offered_and_one_asked_directly_always_is(
    world, http, time_machine
):
    time_machine.move_to(MONDAY_9AM_LONDON)
    assignment = assign(world, measure="phq9", repeat="daily")
    client = sign_in(http, world.client_a.user)
    asked_url = client.post(reverse("homework_questionnaire", args=[assignment.public_id]))[
        "Location"
    ]
    clinician = sign_in(http.__class__(), world.clinician_a)
    status_url = reverse("assignment_status", args=[assignment.public_id])
    clinician.post(status_url, {"status": "paused"})
    assert b"This questionnaire has closed for now" in client.get(asked_url).content
    clinician.post(status_url, {"status": "active"})
    # Resumed, in its window: Today opens it again, at the same address.
    reopened = client.post(reverse("homework_questionnaire", args=[assignment.public_id]))
    assert reopened["Location"] == asked_url
    assert b'name="item_9"' in client.get(asked_url).content

    direct = MeasureRequest.objects.create(
        client=world.client_a, measure_key="gad7", requested_by=world.clinician_a
    )
    time_machine.move_to(MONDAY_9AM_LONDON + timedelta(hours=12))
    sign_in(client, world.client_a.user)
    assert b'name="item_7"' in client.get(direct.get_absolute_url()).content
