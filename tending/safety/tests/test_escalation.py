"""Risk episodes nobody closes are escalated to the organisation's cover clinicians (H-002).

Escalation is per open episode and happens once: answers that join the episode later do not
send it again; after it is closed, a new answer opens a new episode with its own clock.
"""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Sequence
from datetime import timedelta
from typing import ClassVar

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tending.accounts.models import Membership
from tending.audit.models import AuditEvent
from tending.measures.tests.test_responses_and_risk import answers_form, ask
from tending.safety.episodes import escalate_waiting_episodes
from tending.safety.models import RiskAnswer, RiskEpisode
from tending.testing.measure_records import PHQ9_POSITIVE, answer_phq9
from tending.testing.personas import make_staff, sign_in

CLIENT_NAME = "CANARY-client_a"


@pytest.fixture
def waiting(world, django_capture_on_commit_callbacks) -> RiskEpisode:
    """An open episode for client A whose clinician was e-mailed; clinician A2 is named as
    cover."""
    world.org_a.cover_clinicians.set([world.clinician_a2])
    with django_capture_on_commit_callbacks(execute=True):
        episode = episode_of(answer_phq9(world))
    mail.outbox.clear()  # the clinician's own notification
    return episode


def episode_of(response) -> RiskEpisode:
    return RiskAnswer.objects.get(response_id=response.public_id).episode


def close(http, episode: RiskEpisode, note: str = "Phoned; safety plan reviewed"):
    return http.post(
        episode.get_absolute_url(),
        {
            "actions": ["phoned", "plan_reviewed"],
            "note": note,
            "answers_seen": episode.answers.count(),
        },
    )


def escalations() -> list[list[str]]:
    """Return the addressees of each escalation e-mail sent (not the clinician's own ones)."""
    return [m.to for m in mail.outbox if "a colleague's alert" in m.subject]


def run_at(episode: RiskEpisode, hours: float) -> None:
    """Run the cron command as if `hours` had passed since the episode was opened."""
    with time_machine.travel(episode.opened_at + timedelta(hours=hours), tick=False):
        call_command("send_risk_notifications", stdout=io.StringIO())


def test_it_tells_the_cover_clinician_once_without_clinical_content(world, waiting):
    run_at(waiting, 25)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.clinician_a2.email]
    text = f"{message.subject}\n{message.body}"
    assert CLIENT_NAME not in text
    for clinical in ("More than half the days", "better off dead", "self-harm", "score", "item 9"):
        assert clinical.lower() not in text.lower()
    assert world.clinician_a.name in message.body  # whose client it is, so cover knows
    assert "waiting 25 hours" in message.body
    assert waiting.get_absolute_url() in message.body

    waiting.refresh_from_db()
    assert waiting.escalated_at is not None
    assert list(waiting.escalated_people()) == [world.clinician_a2]
    event = AuditEvent.objects.get(action="risk_episode.escalated")
    assert event.client_id == world.client_a.public_id
    assert event.detail["to"] == [str(world.clinician_a2.public_id)]
    assert "CANARY" not in str(event.detail)

    run_at(waiting, 26)
    run_at(waiting, 72)
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="risk_episode.escalated").count() == 1


def test_it_tells_every_named_cover_clinician(world, waiting):
    third = make_staff(world.org_a, Membership.Role.CLINICIAN, "clinician_a3")
    world.org_a.cover_clinicians.add(third)
    run_at(waiting, 25)
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([world.clinician_a2.email, third.email])
    waiting.refresh_from_db()
    assert set(waiting.escalated_people()) == {world.clinician_a2, third}


def test_a_closed_episode_is_not_escalated(world, waiting, http):
    sign_in(http, world.clinician_a)
    assert close(http, waiting).status_code == 302
    run_at(waiting, 25)
    assert mail.outbox == []
    waiting.refresh_from_db()
    assert waiting.escalated_at is None


def test_an_episode_younger_than_the_chosen_hours_waits(world, waiting):
    world.org_a.escalation_hours = 6
    world.org_a.save()
    run_at(waiting, 5.9)
    assert mail.outbox == []
    run_at(waiting, 6)
    assert [m.to for m in mail.outbox] == [[world.clinician_a2.email]]


def test_running_the_command_twice_sends_once(world, waiting):
    run_at(waiting, 25)
    run_at(waiting, 25)
    assert len(mail.outbox) == 1


class OverlappingRunBackend(EmailBackend):
    """Delivers to the test outbox, but first starts a second cron run, as if two overlapped."""

    escalated_by_second_run: ClassVar[list[int]] = []

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        self.escalated_by_second_run.append(escalate_waiting_episodes(timezone.now()))
        return super().send_messages(messages)


def test_a_run_that_starts_while_another_is_sending_sends_nothing(world, waiting, settings):
    settings.EMAIL_BACKEND = f"{__name__}.OverlappingRunBackend"
    OverlappingRunBackend.escalated_by_second_run.clear()
    run_at(waiting, 25)
    # The second run found the episode claimed and sent nothing.
    assert OverlappingRunBackend.escalated_by_second_run == [0]
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_leaves_the_episode_for_the_next_run(world, waiting, settings):
    with socket.socket() as unused:  # a port with no mail server behind it
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    run_at(waiting, 25)
    waiting.refresh_from_db()
    assert waiting.escalated_at is None
    assert waiting.escalated_to == []
    assert not AuditEvent.objects.filter(action="risk_episode.escalated").exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_at(waiting, 25.1)
    assert [m.to for m in mail.outbox] == [[world.clinician_a2.email]]


def test_a_claim_left_by_a_run_that_died_is_taken_over(world, waiting):
    # A run claimed the episode and was killed before its e-mail went out.
    RiskEpisode.objects.filter(pk=waiting.pk).update(
        escalated_at=waiting.opened_at + timedelta(hours=25)
    )
    run_at(waiting, 25.1)
    assert mail.outbox == []  # it may still be sending
    run_at(waiting, 25.5)
    assert [m.to for m in mail.outbox] == [[world.clinician_a2.email]]


def test_an_inactive_member_is_never_told(world, waiting):
    third = make_staff(world.org_a, Membership.Role.CLINICIAN, "clinician_a3")
    world.org_a.cover_clinicians.add(third)
    third.is_active = False
    third.save()
    run_at(waiting, 25)
    assert [m.to for m in mail.outbox] == [[world.clinician_a2.email]]

    # Closed, so the next answer opens a new episode with its own clock.
    close(sign_in(Client(), world.clinician_a), waiting)
    other = episode_of(answer_phq9(world, PHQ9_POSITIVE | {9: 1}))
    assert other != waiting
    world.clinician_a2.is_active = False
    world.clinician_a2.save()
    run_at(other, 25)
    assert escalations() == [[world.clinician_a2.email]]  # nobody active is left to tell
    other.refresh_from_db()
    assert other.escalated_at is None  # and nothing is claimed, so naming someone still helps


def test_the_clients_own_clinician_is_not_told_again_as_cover(world, waiting):
    world.org_a.cover_clinicians.set([world.clinician_a])
    run_at(waiting, 25)
    assert mail.outbox == []


def test_the_cover_clinician_can_open_and_close_the_escalated_episode(world, waiting, http):
    sign_in(http, world.clinician_a2)
    assert http.get(waiting.get_absolute_url()).status_code == 404  # not escalated yet
    run_at(waiting, 25)

    page = http.get(waiting.get_absolute_url())
    assert page.status_code == 200
    content = page.content.decode()
    assert "Answer: <strong>2 (More than half the days)</strong>" in content
    assert "names you as cover" in content and "not the rest of their record" in content
    assert "Passed to cover on" in content and world.clinician_a2.name in content
    assert reverse("client_measures", args=[world.client_a.public_id]) not in content
    assert world.client_a.get_absolute_url() not in content
    viewed = AuditEvent.objects.get(action="risk_episode.viewed")
    assert viewed.actor_id == world.clinician_a2.public_id and viewed.detail == {"as_cover": True}

    done = close(http, waiting, note="Covering: phoned the client")
    assert done["Location"] == waiting.get_absolute_url()
    waiting.refresh_from_db()
    assert waiting.closed_by == world.clinician_a2
    assert waiting.actions == ["phoned", "plan_reviewed"]
    closed = http.get(waiting.get_absolute_url()).content.decode()
    assert f"Closed by {world.clinician_a2.name}" in closed
    # The rest of the client's record stays closed to cover.
    client_page = reverse("client_measures", args=[world.client_a.public_id])
    assert http.get(client_page).status_code == 404

    own = sign_in(Client(), world.clinician_a).get(waiting.get_absolute_url()).content.decode()
    assert "Passed to cover on" in own and world.clinician_a2.name in own
    assert "Covering: phoned the client" in own


def test_answers_joining_an_escalated_episode_do_not_escalate_it_again(
    world, waiting, django_capture_on_commit_callbacks
):
    run_at(waiting, 25)
    assert escalations() == [[world.clinician_a2.email]]
    later = waiting.opened_at + timedelta(hours=26)
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        joined = episode_of(answer_phq9(world, PHQ9_POSITIVE | {9: 3}))
    assert joined == waiting
    # The clinician is told of the new answer; cover is not told a second time.
    assert mail.outbox[-1].to == [world.clinician_a.email]
    run_at(waiting, 27)
    run_at(waiting, 60)
    assert escalations() == [[world.clinician_a2.email]]
    assert AuditEvent.objects.filter(action="risk_episode.escalated").count() == 1


def test_answers_joining_an_open_episode_do_not_restart_its_clock(
    world, waiting, django_capture_on_commit_callbacks
):
    later = waiting.opened_at + timedelta(hours=20)
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert episode_of(answer_phq9(world)) == waiting
    run_at(waiting, 24)
    assert escalations() == [[world.clinician_a2.email]]  # 24 hours after the first answer


def test_a_new_episode_after_closing_is_escalated_on_its_own(world, waiting, http):
    run_at(waiting, 25)
    sign_in(http, world.clinician_a)
    assert close(http, waiting).status_code == 302
    later = episode_of(answer_phq9(world))
    assert later != waiting
    run_at(later, 23)
    assert escalations() == [[world.clinician_a2.email]]
    run_at(later, 24)
    assert escalations() == [[world.clinician_a2.email]] * 2
    assert AuditEvent.objects.filter(action="risk_episode.escalated").count() == 2


def test_nobody_else_can_open_an_escalated_episode(world, waiting):
    third = make_staff(world.org_a, Membership.Role.CLINICIAN, "clinician_a3")
    run_at(waiting, 25)
    for person in (third, world.clinician_b, world.admin_a):
        assert sign_in(Client(), person).get(waiting.get_absolute_url()).status_code == 404
    # Cover named after the escalation was not told, so may not open it either.
    world.org_a.cover_clinicians.add(third)
    assert sign_in(Client(), third).get(waiting.get_absolute_url()).status_code == 404


def test_cover_ends_when_the_admin_stops_naming_them(world, waiting, http):
    run_at(waiting, 25)
    sign_in(http, world.clinician_a2)
    assert http.get(waiting.get_absolute_url()).status_code == 200
    world.org_a.cover_clinicians.clear()
    assert http.get(waiting.get_absolute_url()).status_code == 404


def test_the_help_page_says_when_the_answer_is_seen_after_a_risk_answer(world, http):
    """The client-facing timing statement (hazard H-002): truthful with and without cover."""
    asked = ask(http, world, "phq9")
    client = sign_in(Client(), world.client_a.user)
    done = client.post(asked.get_absolute_url(), answers_form(PHQ9_POSITIVE))
    page = client.get(done["Location"]).content.decode()
    assert "Your therapist will see your answer when they next sign in to Tending" in page
    assert "Tending is not watched around the clock" in page
    assert "a colleague who covers" not in page  # nobody named: nothing promised

    world.org_a.cover_clinicians.set([world.clinician_a2])
    page = client.get(done["Location"]).content.decode()
    assert (
        "If it has not been dealt with within 24 hours, a colleague who covers for your "
        "therapist is asked to look at it too." in page
    )
    assert "Tending is not watched around the clock" in page
    assert world.clinician_a2.name not in page


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    # The in-memory, shared-cache test database refuses concurrent writers at once ("table is
    # locked") rather than queueing them on the busy timeout as the real file database does.
    # SQLite runs one writer at a time anyway; the overlapping-run test above covers it.
    reason="real concurrency needs PostgreSQL here",
)
def test_two_runs_at_the_same_moment_send_once(committed, world):
    world.org_a.cover_clinicians.set([world.clinician_a2])
    episode = episode_of(answer_phq9(world))
    mail.outbox.clear()
    start = threading.Barrier(4)
    results: list[int] = []

    def run() -> None:
        try:
            start.wait()
            results.append(escalate_waiting_episodes(episode.opened_at + timedelta(hours=25)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [0, 0, 0, 1]
    escalations = [m for m in mail.outbox if m.to == [world.clinician_a2.email]]
    assert len(escalations) == 1
