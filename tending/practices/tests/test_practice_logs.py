from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tending.audit.models import AuditEvent
from tending.practices import progress
from tending.practices.models import Practice, PracticeLog
from tending.testing.personas import sign_in
from tending.testing.practice_records import make_log


@pytest.fixture
def breathing(db):
    return Practice.objects.get(key="soothing-rhythm-breathing")


def save(http, practice, **fields):
    data = {
        "token": str(uuid.uuid4()),
        "outcome": "completed",
        "minutes": "5",
        "before_threat": "7",
        "after_threat": "4",
        "feeling": "settling",
        "note": "",
    } | fields
    return http.post(reverse("practice_log_save", args=[practice.public_id]), data)


def test_a_client_saves_a_practice_without_javascript(world, http, breathing):
    sign_in(http, world.client_a.user)
    page = http.get(reverse("practice_play", args=[breathing.public_id]))
    assert page.status_code == 200
    assert b"Stop and ground" in page.content
    assert b"Breathing settings" in page.content
    for step in breathing.steps:
        assert step["text"].encode() in page.content  # every step readable without JS

    response = save(http, breathing, note="My shoulders dropped.")
    log = PracticeLog.objects.get()
    assert response["Location"] == log.get_absolute_url()
    assert (log.seconds_practised, log.practice_version, log.outcome) == (300, 1, "completed")
    assert (log.before_threat, log.after_threat, log.feeling) == (7, 4, "settling")
    assert log.note == "My shoulders dropped." and not log.note_shared
    assert AuditEvent.objects.filter(action="practice.logged", client_id=world.client_a.public_id)


def test_the_player_fills_in_exact_timings_when_it_can(world, http, breathing):
    sign_in(http, world.client_a.user)
    started = timezone.now() - timedelta(minutes=5)
    save(http, breathing, seconds="245", started_at=started.isoformat(), outcome="stopped")
    log = PracticeLog.objects.get()
    assert log.seconds_practised == 245
    assert abs((log.started_at - started).total_seconds()) < 1
    assert log.outcome == "stopped"


def test_the_same_save_sent_again_makes_no_second_record(world, http, breathing):
    sign_in(http, world.client_a.user)
    token = str(uuid.uuid4())
    first = save(http, breathing, token=token, note="first")
    again = save(http, breathing, token=token, note="a retry must not overwrite")
    assert first["Location"] == again["Location"]
    assert PracticeLog.objects.get().note == "first"


def test_the_same_token_from_another_client_is_a_separate_record(world, http, breathing):
    token = str(uuid.uuid4())
    save(sign_in(http, world.client_a.user), breathing, token=token)
    save(sign_in(type(http)(), world.client_b.user), breathing, token=token)
    assert PracticeLog.objects.count() == 2


def test_an_impossible_check_in_is_explained_and_the_typing_kept(world, http, breathing):
    sign_in(http, world.client_a.user)
    response = save(http, breathing, after_soothe="11", note="Keep this text")
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert b"Keep this text" in response.content
    assert b"data-has-errors" in response.content
    assert not PracticeLog.objects.exists()


def test_stirred_up_is_met_with_normalising_words_and_gentler_options(world, http, breathing):
    sign_in(http, world.client_a.user)
    response = save(http, breathing, feeling="stirred_up")
    page = http.get(response["Location"])
    assert b"It stirred things up" in page.content
    assert b"not a failure" in page.content
    assert b"Mindfulness of sounds" in page.content


def test_repeated_stirred_up_responses_are_flagged_to_the_clinician(world, http, breathing):
    make_log(world.client_a, breathing, feeling="stirred_up", days_ago=20)  # too long ago
    make_log(world.client_a, breathing, feeling="stirred_up", days_ago=3)
    sign_in(http, world.clinician_a)
    url = reverse("client_practice", args=[world.client_a.public_id])
    assert b"Stirred up 2 times" not in http.get(url).content

    make_log(world.client_a, breathing, feeling="stirred_up", days_ago=1)
    page = http.get(url)
    assert b"Stirred up 2 times in the last 14 days" in page.content
    assert (
        AuditEvent.objects.filter(
            action="client.practice_viewed", client_id=world.client_a.public_id
        ).count()
        == 2
    )


def test_the_clinician_sees_minutes_and_check_in_changes(world, http, breathing, time_machine):
    time_machine.move_to(datetime(2026, 11, 18, 12, tzinfo=UTC))
    log = make_log(world.client_a, breathing, seconds=600)
    PracticeLog.objects.filter(pk=log.pk).update(before_soothe=2, after_soothe=6)
    sign_in(http, world.clinician_a)
    page = http.get(reverse("client_practice", args=[world.client_a.public_id]))
    assert b"2 \xe2\x86\x92 6" in page.content  # before → after
    assert page.context["weeks"][-1]["week"].minutes == 10


def test_a_client_sees_their_own_history_without_streaks(world, http, breathing):
    make_log(world.client_a, breathing, note="Felt held", seconds=420)
    sign_in(http, world.client_a.user)
    page = http.get(reverse("my_practice"))
    assert b"Soothing rhythm breathing" in page.content
    assert b"Felt held" in page.content
    assert b"7 min" in page.content
    assert b"streak" not in page.content.lower()


def test_clinicians_preview_the_player_without_saving(world, http, breathing):
    sign_in(http, world.clinician_a)
    page = http.get(reverse("practice_play", args=[breathing.public_id]))
    assert b"This is a preview" in page.content
    assert b'action="/practices/' not in page.content


MONDAY = date(2026, 11, 16)


def session(day: date, minutes: int = 5, feeling: str = "") -> progress.Session:
    moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    return progress.Session(day=day, started_at=moment, seconds=minutes * 60, feeling=feeling)


def test_weekly_minutes_include_empty_weeks_oldest_first():
    sessions = [
        session(MONDAY),
        session(MONDAY + timedelta(days=6), 10),
        session(MONDAY - timedelta(days=14), 3),
    ]
    weeks = progress.weekly_minutes(sessions, today=MONDAY + timedelta(days=2), weeks=4)
    assert [(w.starts, w.minutes, w.sessions) for w in weeks] == [
        (MONDAY - timedelta(weeks=3), 0, 0),
        (MONDAY - timedelta(weeks=2), 3, 1),
        (MONDAY - timedelta(weeks=1), 0, 0),
        (MONDAY, 15, 2),
    ]


def test_needs_attention_counts_stirred_up_only_within_fourteen_days():
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    old = session(date(2026, 11, 5), feeling="stirred_up")  # 15 days before
    recent = session(date(2026, 11, 18), feeling="stirred_up")
    settled = session(date(2026, 11, 19), feeling="settling")
    assert not progress.needs_attention([old, recent, settled], now)
    assert progress.needs_attention([recent, session(date(2026, 11, 7), feeling="stirred_up")], now)


def test_a_phone_clock_running_fast_never_ends_a_practice_before_it_began(world, http, breathing):
    sign_in(http, world.client_a.user)
    ahead = timezone.now() + timedelta(minutes=3)
    save(http, breathing, seconds="120", started_at=ahead.isoformat())
    log = PracticeLog.objects.get()
    assert log.started_at <= log.ended_at <= timezone.now()
    assert (log.ended_at - log.started_at).total_seconds() == pytest.approx(120, abs=1)


def test_practice_is_shown_on_the_clients_own_day_and_clock(world, http):
    from datetime import UTC, datetime

    from tending.practices.models import Practice
    from tending.testing.practice_records import make_log

    world.client_a.time_zone = "Australia/Sydney"
    world.client_a.save()
    log = make_log(world.client_a, Practice.objects.get(key="soothing-rhythm-breathing"))
    log.started_at = datetime(2026, 11, 15, 22, 30, tzinfo=UTC)  # Monday 09:30 in Sydney
    log.save()
    mine = sign_in(http, world.client_a.user).get(reverse("my_practice")).content.decode()
    assert "Monday 16 November, 09:30" in mine
    theirs = (
        sign_in(http.__class__(), world.clinician_a)
        .get(reverse("client_practice", args=[world.client_a.public_id]))
        .content.decode()
    )
    assert "16 Nov, 09:30" in theirs and "(their time)" in theirs
