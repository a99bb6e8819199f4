"""Risk episodes: answers grouped per client without any being hidden (hazard H-201).

Three positive answers in a row make one episode holding three answers, one banner line and
three e-mails; closing records what was done; a fourth answer opens a new episode; an answer
that arrives while the clinician has the page open stops the episode from being closed
unread.
"""

from __future__ import annotations

import pytest
from django.core import mail

from tending.audit.models import AuditEvent
from tending.safety.models import RiskAnswer, RiskEpisode
from tending.testing.measure_records import PHQ9_POSITIVE, answer_phq9
from tending.testing.personas import sign_in


@pytest.fixture
def three_answers(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer_phq9(world, PHQ9_POSITIVE | {9: 1})  # standard priority
        answer_phq9(world, PHQ9_POSITIVE | {9: 1})
        answer_phq9(world, PHQ9_POSITIVE | {9: 3})  # high priority
    return RiskEpisode.objects.get(client=world.client_a)


def close(http, episode, *actions, note="", seen=None):
    return http.post(
        episode.get_absolute_url(),
        {
            "actions": list(actions),
            "note": note,
            "answers_seen": seen if seen is not None else episode.answers.count(),
        },
    )


def test_three_answers_make_one_episode_one_banner_line_and_three_emails(
    world, http, three_answers
):
    episode = three_answers
    assert episode.answers.count() == 3
    assert episode.priority == "high"  # raised by the third answer
    assert [a.priority for a in episode.answers.all()] == ["standard", "standard", "high"]
    assert len(mail.outbox) == 3
    assert {tuple(m.to) for m in mail.outbox} == {(world.clinician_a.email,)}
    for message in mail.outbox:  # no clinical content in any of them
        assert world.client_a.name not in message.body
        assert "PHQ" not in message.body
        assert episode.get_absolute_url() in message.body
    sign_in(http, world.clinician_a)
    page = http.get("/caseload/").content.decode()
    banner = page[
        page.index('class="alert-banner"') : page.index("</div>", page.index("alert-banner"))
    ]
    assert banner.count(world.client_a.name) == 1
    assert "high, 3 answers" in banner
    assert "1 client with risk answers waiting" in banner


def test_every_answer_is_on_the_episode_page_with_its_time_measure_and_item(
    world, http, three_answers
):
    sign_in(http, world.clinician_a)
    page = http.get(three_answers.get_absolute_url()).content.decode()
    assert page.count('<li class="risk-answer') == 3
    assert page.count("PHQ-9") >= 3
    assert "Item 9" in page
    assert "Nearly every day" in page  # the third answer's label, as the client saw it


def test_closing_records_what_was_done_and_a_fourth_answer_opens_a_new_episode(
    world, http, three_answers, django_capture_on_commit_callbacks
):
    sign_in(http, world.clinician_a)
    response = close(http, three_answers, "phoned", "assessed", note="Spoke at 3pm; safe tonight.")
    assert response.status_code == 302
    three_answers.refresh_from_db()
    assert three_answers.closed_at is not None
    assert three_answers.closed_by == world.clinician_a
    assert three_answers.actions == ["phoned", "assessed"]
    assert three_answers.note == "Spoke at 3pm; safe tonight."
    event = AuditEvent.objects.get(action="risk_episode.closed")
    assert "Spoke" not in str(event.detail)
    page = http.get(three_answers.get_absolute_url()).content.decode()
    assert "Phoned the client" in page and "Risk assessment" in page
    assert "alert-banner" not in http.get("/caseload/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        answer_phq9(world)
    assert RiskEpisode.objects.filter(client=world.client_a).count() == 2
    new = RiskEpisode.objects.get(client=world.client_a, closed_at=None)
    assert new.answers.count() == 1
    assert len(mail.outbox) == 4


def test_an_answer_arriving_while_the_page_is_open_is_never_closed_unread(
    world, http, three_answers, django_capture_on_commit_callbacks
):
    sign_in(http, world.clinician_a)
    http.get(three_answers.get_absolute_url())  # the clinician reads three answers
    with django_capture_on_commit_callbacks(execute=True):
        answer_phq9(world)  # a fourth arrives meanwhile
    response = close(http, three_answers, "phoned", note="Called.", seen=3)
    assert response.status_code == 400
    page = response.content.decode()
    assert "A new answer arrived while this page was open" in page
    assert page.count('<li class="risk-answer') == 4
    assert "Called." in page  # what they typed is kept
    three_answers.refresh_from_db()
    assert three_answers.is_open
    assert close(http, three_answers, "phoned", note="Called.", seen=4).status_code == 302


@pytest.mark.parametrize(
    ("actions", "note", "message"),
    [
        ([], "", "Choose at least one thing you did."),
        (["other"], "", "say in the note what you did"),
        (["phoned"], "x" * 4001, "Keep the note to 4000 characters"),
    ],
)
def test_bad_closing_input_gets_a_clear_message_and_keeps_the_episode_open(
    world, http, three_answers, actions, note, message
):
    sign_in(http, world.clinician_a)
    response = close(http, three_answers, *actions, note=note)
    assert response.status_code == 400
    assert message in response.content.decode()
    three_answers.refresh_from_db()
    assert three_answers.is_open


def test_closing_twice_records_it_once(world, http, three_answers):
    sign_in(http, world.clinician_a)
    close(http, three_answers, "phoned", note="first")
    close(http, three_answers, "emergency", note="second")
    three_answers.refresh_from_db()
    assert three_answers.note == "first"
    assert AuditEvent.objects.filter(action="risk_episode.closed").count() == 1


def test_the_note_is_encrypted_at_rest(world, http, three_answers):
    from django.db import connection

    sign_in(http, world.clinician_a)
    close(http, three_answers, "phoned", note="Spoke with her mother")
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM safety_riskepisode WHERE id = %s", [three_answers.pk])
        (raw,) = cursor.fetchone()
    assert "mother" not in raw


def test_an_old_alert_link_opens_its_episode(world, http, three_answers):
    answer = RiskAnswer.objects.filter(episode=three_answers).first()
    sign_in(http, world.clinician_a)
    response = http.get(f"/alerts/{answer.public_id}/")
    assert response.status_code == 302
    assert response["Location"] == three_answers.get_absolute_url()
    sign_in(http, world.clinician_a2)
    assert http.get(f"/alerts/{answer.public_id}/").status_code == 404


def test_the_risk_history_lists_episodes_answers_actions_and_session_risk_entries(
    world, http, three_answers
):
    from datetime import timedelta

    from tending.testing.session_records import make_session

    sign_in(http, world.clinician_a)
    close(http, three_answers, "plan_reviewed", note="Plan gone through together.")
    day = three_answers.opened_at.date() + timedelta(days=1)
    for on, note in ((day, "Thoughts less frequent."), (day - timedelta(days=30), "No harm.")):
        session = make_session(world.client_a, on=on)
        session.risk_note = note
        session.save()
    page = http.get(f"/clients/{world.client_a.public_id}/risk/").content.decode()
    assert page.count('<li class="risk-answer') == 3
    assert "Safety plan reviewed" in page
    assert "Plan gone through together." in page
    after = page.index("Thoughts less frequent.")
    before = page.index("Before the first risk answer")
    assert after < before < page.index("No harm.")
    assert "The safety plan has not been reviewed since the last risk answer" in page
    sign_in(http, world.clinician_a2)
    assert http.get(f"/clients/{world.client_a.public_id}/risk/").status_code == 404


def test_the_crisis_page_after_a_risk_answer_still_shows_help_at_once(world, http):
    from tending.measures.models import MeasureRequest

    asked = MeasureRequest.objects.create(
        client=world.client_a, measure_key="phq9", requested_by=world.clinician_a
    )
    from tending.measures.tests.test_responses_and_risk import answers_form

    sign_in(http, world.client_a.user)
    response = http.post(asked.get_absolute_url(), answers_form(PHQ9_POSITIVE))
    page = http.get(response["Location"]).content.decode()
    assert "Thank you for telling us" in page
    assert "If you need help now" in page
    assert RiskAnswer.objects.filter(client=world.client_a).count() == 1
