"""A risk answer survives a mail server that is down, and the cron command sends it later.

Hazard H-001, gap G-1: the e-mail fails during a client's PHQ-9 submission with item 9
positive; the answer, its risk answer and episode are still committed and on the clinician's
pages, and `tending send-risk-notifications` then sends the e-mail exactly once. Every answer
is notified on its own, also one that joins an episode already open.
"""

from __future__ import annotations

import io
import socket
import threading

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from tending.measures.models import MeasureRequest, Response
from tending.measures.tests.test_responses_and_risk import answers_form
from tending.safety.models import RiskAnswer, RiskEpisode
from tending.testing.measure_records import PHQ9_POSITIVE
from tending.testing.personas import sign_in

CLIENT_NAME = "CANARY-client_a"


def unused_port() -> int:
    """A local port with no mail server behind it: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seen_from_another_connection() -> tuple[int, int, int]:
    """Count responses, risk answers and episodes as a second database connection sees them
    (only committed rows are visible there)."""
    counts: list[tuple[int, int, int]] = []

    def count() -> None:
        try:
            counts.append(
                (Response.objects.count(), RiskAnswer.objects.count(), RiskEpisode.objects.count())
            )
        finally:
            connection.close()

    thread = threading.Thread(target=count)
    thread.start()
    thread.join(timeout=60)
    return counts[0]


def test_it_keeps_the_answer_when_the_mail_server_is_down_and_the_command_sends_it_once(
    committed, world, settings, caplog
):
    asked = MeasureRequest.objects.create(
        client=world.client_a, measure_key="phq9", requested_by=world.clinician_a
    )
    # The real SMTP backend, pointed at a port where nothing listens.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", unused_port(), 5
    client = sign_in(Client(), world.client_a.user)
    submitted = client.post(asked.get_absolute_url(), answers_form(PHQ9_POSITIVE))

    # 1. The answer and its episode are committed, and the client is shown help.
    response = Response.objects.get()
    assert submitted["Location"] == response.get_absolute_url()
    assert b"If you need help now" in client.get(submitted["Location"]).content
    assert seen_from_another_connection() == (1, 1, 1)
    answer = RiskAnswer.objects.get(response_id=response.public_id)
    assert (answer.priority, [item["answer"] for item in answer.items]) == ("high", [2])
    assert [item["item"] for item in answer.items] == [9]
    episode = answer.episode
    # 2. The e-mail did not go, so it is still marked as not sent.
    assert answer.notified_at is None
    assert "notification not sent" in caplog.text

    # 3. The clinician sees the waiting answer on every page meanwhile.
    clinician = sign_in(Client(), world.clinician_a)
    for page in ("caseload", "dashboard"):
        body = clinician.get(reverse(page)).content.decode()
        assert "1 client with risk answers waiting for you:" in body, page
        assert f"{world.client_a.name} (high, 1 answer)" in body, page
        assert episode.get_absolute_url() in body, page
    measures = clinician.get(reverse("client_measures", args=[world.client_a.public_id]))
    assert b"High-priority risk answers waiting since" in measures.content

    # 4. Once the mail server is back, the cron command sends it once, with no clinical content.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_risk_notifications", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.clinician_a.email]
    text = f"{message.subject}\n{message.body}"
    assert CLIENT_NAME not in text
    assert "phq" not in text.lower() and "item 9" not in text.lower()
    assert episode.get_absolute_url() in message.body  # a link to sign in and see it
    answer.refresh_from_db()
    assert answer.notified_at is not None

    call_command("send_risk_notifications", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # nothing more the second time


def test_each_answer_in_an_episode_is_notified_and_retried_on_its_own(
    committed, world, settings, caplog
):
    """A second answer joining an open episode is e-mailed too; if its e-mail fails, the
    command sends that one, and only that one, later."""
    asked = [
        MeasureRequest.objects.create(
            client=world.client_a, measure_key="phq9", requested_by=world.clinician_a
        )
        for _ in range(2)
    ]
    client = sign_in(Client(), world.client_a.user)
    client.post(asked[0].get_absolute_url(), answers_form(PHQ9_POSITIVE | {9: 1}))
    assert len(mail.outbox) == 1  # the first answer, told at once
    first = RiskAnswer.objects.get()
    assert first.notified_at is not None

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", unused_port(), 5
    client.post(asked[1].get_absolute_url(), answers_form(PHQ9_POSITIVE | {9: 3}))
    second = RiskAnswer.objects.exclude(pk=first.pk).get()
    assert second.episode_id == first.episode_id  # joined the open episode
    assert second.episode.priority == "high"
    assert second.notified_at is None
    assert "notification not sent" in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_risk_notifications", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    message = mail.outbox[1]
    assert message.to == [world.clinician_a.email]
    assert "joins an earlier answer of theirs that is still waiting" in message.body
    assert second.episode.get_absolute_url() in message.body
    assert CLIENT_NAME not in message.body
    second.refresh_from_db()
    assert second.notified_at is not None
    call_command("send_risk_notifications", stdout=io.StringIO())
    assert len(mail.outbox) == 2
