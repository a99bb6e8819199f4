from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from tending.assignments.models import Assignment, ReminderDelivery, ReminderPreference
from tending.assignments.reminders import due_reminders, send_client_reminder
from tending.practices.models import Practice
from tending.testing.personas import sign_in
from tending.testing.practice_records import make_log

MONDAY = date(2026, 11, 16)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 16, hour, minute, tzinfo=UTC)  # London is on GMT in November


@pytest.fixture
def breathing(world):
    assignment = Assignment.objects.create(
        client=world.client_a,
        created_by=world.clinician_a,
        kind="practice",
        practice=Practice.objects.get(key="soothing-rhythm-breathing"),
        repeat="weekdays",
        weekdays=[0, 2, 4],
        start_date=date(2026, 11, 2),
        window_start=time(8),
        window_end=time(10),
    )
    ReminderPreference.objects.create(client=world.client_a, at=time(8, 30))
    return assignment


def test_a_reminder_is_due_from_the_chosen_time_until_the_window_closes(world, breathing):
    assert due_reminders(at(8, 29)) == {}
    assert due_reminders(at(8, 30)) == {world.client_a.pk: [(breathing.pk, "2026-11-16")]}
    assert due_reminders(at(10, 0)) == {}  # the window has closed
    assert due_reminders(at(9, 0) + timedelta(days=1)) == {}  # Tuesday: nothing set


def test_no_reminder_when_done_turned_off_or_already_sent(world, breathing):
    ReminderPreference.objects.filter(client=world.client_a).update(enabled=False)
    assert due_reminders(at(9)) == {}
    ReminderPreference.objects.filter(client=world.client_a).update(enabled=True)
    ReminderDelivery.objects.create(assignment=breathing, day=MONDAY)
    assert due_reminders(at(9)) == {}


def test_practising_before_the_reminder_means_no_reminder(world, breathing, time_machine):
    time_machine.move_to(at(8, 40))
    make_log(world.client_a, breathing.practice, seconds=60)
    assert due_reminders(at(8, 45)) == {}


def test_each_occurrence_is_reminded_about_once_in_a_warm_voice(world, breathing, time_machine):
    time_machine.move_to(at(8, 45))
    items = [(breathing.pk, "2026-11-16")]
    assert send_client_reminder(world.client_a.pk, items) == 1
    assert send_client_reminder(world.client_a.pk, items) == 0  # a second worker, or a rerun
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.client_a.user.email]
    assert "Soothing rhythm breathing" in message.body
    assert "nothing to catch up on" in message.body
    assert "missed" not in message.body.lower()
    assert ReminderDelivery.objects.get().sent_at is not None


def test_a_client_changes_their_reminder_time_and_time_zone(world, http, breathing):
    sign_in(http, world.client_a.user)
    response = http.post(
        reverse("reminder_settings"),
        {
            "enabled": "on",
            "at": "19:15",
            "time_zone": "America/New_York",
        },
    )
    assert response["Location"] == reverse("reminder_settings")
    preference = ReminderPreference.objects.get(client=world.client_a)
    world.client_a.refresh_from_db()
    assert (preference.at, world.client_a.time_zone) == (time(19, 15), "America/New_York")
    bad = http.post(reverse("reminder_settings"), {"at": "25:99", "time_zone": "Nowhere/Land"})
    assert bad.status_code == 400


def test_a_late_task_does_not_remind_about_homework_paused_meanwhile(
    world, breathing, time_machine
):
    time_machine.move_to(at(14))  # queued at 09:00, run at 14:00: the window has closed
    assert send_client_reminder(world.client_a.pk, [(breathing.pk, "2026-11-16")]) == 0
    time_machine.move_to(at(9))
    Assignment.objects.filter(pk=breathing.pk).update(status="paused")
    assert send_client_reminder(world.client_a.pk, [(breathing.pk, "2026-11-16")]) == 0
    assert mail.outbox == []
