"""A form sent just after an idle sign-out is kept, and sent once the same person signs in."""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from urllib.parse import urlencode

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tending.audit.models import AuditEvent
from tending.measures.models import MeasureRequest, Response
from tending.practices.models import Practice, PracticeLog
from tending.safety.models import RiskAnswer, RiskEpisode
from tending.testing.measure_records import PHQ9_POSITIVE
from tending.testing.personas import PASSWORD, current_code, sign_in
from tending.testing.session_records import session_form
from tending.therapy_sessions.models import TherapySession
from tending.web.resume import KEEP_SECONDS, KEPT_FORM, LOST_MESSAGE, SAVED_MESSAGE

MONDAY = dt.datetime(2026, 11, 16, 15, 0, tzinfo=dt.UTC)
BROWSER_FORM = "application/x-www-form-urlencoded"
KEPT_NOTICE = b"It is kept safely, and it will be sent as soon as you sign in again."


@pytest.fixture
def phq9(world, time_machine) -> MeasureRequest:
    time_machine.move_to(MONDAY, tick=False)
    return MeasureRequest.objects.create(
        client=world.client_a, measure_key="phq9", requested_by=world.clinician_a
    )


def hidden(page, name: str) -> str:
    """Return the value of the hidden input `name` on `page`, as a browser would send it."""
    found = re.search(rf'name="{name}" value="([^"]+)"'.encode(), page.content)
    assert found is not None, name
    return found.group(1).decode()


def answers(values: dict[int, int | None], token: str) -> dict[str, str]:
    return {f"item_{n}": str(v) for n, v in values.items() if v is not None} | {"token": token}


def idle_past_the_limit(time_machine) -> None:
    time_machine.shift(dt.timedelta(seconds=settings.SESSION_IDLE_SECONDS + 60))


def sign_in_again(browser: Client, email: str, *, next_url: str = "", **extra: str):
    data = {"username": email, "password": PASSWORD, "next": next_url} | extra
    return browser.post(reverse("sign_in"), data)


def test_it_saves_a_phq9_with_a_risk_answer_sent_after_an_idle_sign_out(
    world, phq9, time_machine, caplog
):
    caplog.set_level(logging.DEBUG)
    browser = sign_in(Client(enforce_csrf_checks=True), world.client_a.user)
    page = browser.get(phq9.get_absolute_url())
    form = answers(PHQ9_POSITIVE, hidden(page, "token"))
    form["csrfmiddlewaretoken"] = hidden(page, "csrfmiddlewaretoken")

    idle_past_the_limit(time_machine)
    sent = browser.post(phq9.get_absolute_url(), urlencode(form), content_type=BROWSER_FORM)
    assert sent["Location"].startswith(reverse("sign_in"))
    assert not Response.objects.exists()

    sign_in_page = browser.get(sent["Location"])
    assert b"without activity" in sign_in_page.content
    assert KEPT_NOTICE in sign_in_page.content
    signed_in = sign_in_again(
        browser,
        world.client_a.email,
        next_url=phq9.get_absolute_url(),
        csrfmiddlewaretoken=hidden(sign_in_page, "csrfmiddlewaretoken"),
    )
    assert signed_in["Location"] == phq9.get_absolute_url()
    landing = browser.get(signed_in["Location"], follow=True)

    stored = Response.objects.get()
    assert stored.client == world.client_a and stored.answers["9"] == 2
    answer = RiskAnswer.objects.get(response_id=stored.public_id)
    assert answer.priority == "high" and answer.episode.is_open
    assert [(item["item"], item["answer"]) for item in answer.items] == [(9, 2)]
    assert landing.redirect_chain[-1][0] == stored.get_absolute_url()
    assert b"Thank you for telling us" in landing.content
    assert b"If you need help now" in landing.content
    assert SAVED_MESSAGE.encode() in landing.content
    event = AuditEvent.objects.get(action="signin.kept_form_resent")
    assert event.outcome == "success" and event.actor_id == world.client_a.user.public_id
    assert "item_" not in str(event.detail)  # which view, never what was answered
    assert "item_9" not in caplog.text
    assert KEPT_FORM not in browser.session


def test_it_saves_a_practice_log_sent_after_an_idle_sign_out(world, http, time_machine):
    time_machine.move_to(MONDAY, tick=False)
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    sign_in(http, world.client_a.user)
    url = reverse("practice_log_save", args=[breathing.public_id])
    form = {
        "token": str(uuid.uuid4()),
        "outcome": "completed",
        "minutes": "10",
        "before_threat": "7",
        "after_threat": "3",
        "feeling": "settling",
        "note": "The pacer helped me slow down.",
    }

    idle_past_the_limit(time_machine)  # the pacer makes no requests while it runs
    assert http.post(url, form)["Location"].startswith(reverse("sign_in"))
    landing = http.get(sign_in_again(http, world.client_a.email)["Location"], follow=True)

    log = PracticeLog.objects.get()
    assert (log.client, log.note, log.after_threat) == (
        world.client_a,
        "The pacer helped me slow down.",
        3,
    )
    assert landing.redirect_chain[-1][0] == log.get_absolute_url()
    assert SAVED_MESSAGE.encode() in landing.content


def keep_a_session_note(world, http, time_machine) -> tuple[str, dict[str, object]]:
    """A clinician's session note sent after an idle sign-out, so kept: its address and form."""
    time_machine.move_to(MONDAY, tick=False)
    sign_in(http, world.clinician_a)
    url = reverse("session_create", args=[world.client_a.public_id])
    form = session_form(token=hidden(http.get(url), "token"))
    idle_past_the_limit(time_machine)
    assert http.post(url, form)["Location"].startswith(reverse("sign_in"))
    return url, form


def test_it_saves_a_session_note_after_both_sign_in_steps(world, http, time_machine):
    url, _ = keep_a_session_note(world, http, time_machine)
    password = sign_in_again(http, world.clinician_a.email, next_url=url)
    assert password["Location"] == reverse("sign_in_verify")
    assert not TherapySession.objects.exists()
    code = http.post(reverse("sign_in_verify"), {"code": current_code()})
    assert code["Location"] == url
    landing = http.get(code["Location"], follow=True)

    session = TherapySession.objects.get()
    assert session.client == world.client_a and session.clinician == world.clinician_a
    notes = {note.layer: note for note in session.layers.all()}
    assert notes[1].levers == ["support", "model"]  # lists survive being kept
    assert notes[4].text == "Practised soothing rhythm breathing for three minutes."
    assert session.summary == "Plan: keep breathing practice three mornings a week."
    assert landing.redirect_chain[-1][0] == session.get_absolute_url()
    assert b"Session note saved as a draft." in landing.content
    assert SAVED_MESSAGE.encode() in landing.content


def test_a_kept_session_note_is_sealed_in_the_session_table(world, http, time_machine):
    _, form = keep_a_session_note(world, http, time_machine)
    readable = " ".join(str(stored.get_decoded()) for stored in Session.objects.all())
    assert KEPT_FORM in readable  # the fresh, anonymous session holds the form
    assert "breathing" in form["layer_4_note"]
    assert "breathing" not in readable
    assert "Plan:" not in readable


def test_a_kept_form_no_key_opens_is_discarded_and_the_person_told(
    world, http, time_machine, settings
):
    url, _ = keep_a_session_note(world, http, time_machine)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # rotated away meanwhile
    sign_in_again(http, world.clinician_a.email, next_url=url)
    code = http.post(reverse("sign_in_verify"), {"code": current_code()})
    landing = http.get(code["Location"])

    assert landing.status_code == 200  # the empty form, to type again
    assert LOST_MESSAGE.encode() in landing.content
    assert not TherapySession.objects.exists()
    discarded = AuditEvent.objects.get(action="signin.kept_form_discarded")
    assert discarded.detail["reason"] == "no_key_opens_it"
    assert KEPT_FORM not in http.session


def test_it_shows_the_form_again_with_what_was_typed_when_it_has_an_error(
    world, phq9, http, time_machine
):
    sign_in(http, world.client_a.user)
    partial = {n: v for n, v in PHQ9_POSITIVE.items() if n != 7}
    idle_past_the_limit(time_machine)
    http.post(phq9.get_absolute_url(), answers(partial, str(uuid.uuid4())))

    shown = http.get(sign_in_again(http, world.client_a.email)["Location"])
    assert shown.status_code == 400
    assert shown.request["PATH_INFO"] == phq9.get_absolute_url()  # sending again posts here
    assert b"Please choose an answer for this item." in shown.content
    assert shown.content.count(b"checked") == 8
    assert SAVED_MESSAGE.encode() not in shown.content
    assert not Response.objects.exists()
    event = AuditEvent.objects.get(action="signin.kept_form_resent")
    assert (event.outcome, event.detail["status"]) == ("failure", 400)


def test_it_never_sends_or_shows_a_kept_form_to_someone_else(world, phq9, http, time_machine):
    sign_in(http, world.client_a.user)
    idle_past_the_limit(time_machine)
    form = answers(PHQ9_POSITIVE, str(uuid.uuid4())) | {"item_1": "3"}
    http.post(phq9.get_absolute_url(), form)

    other = sign_in_again(http, world.client_b.email, next_url=phq9.get_absolute_url())
    landing = http.get(other["Location"], follow=True)
    assert landing.status_code == 404  # client A's questionnaire is not client B's
    today = http.get(reverse("today"))
    for page in (landing, today):
        assert b"CANARY-client_a" not in page.content
        assert SAVED_MESSAGE.encode() not in page.content
    assert not Response.objects.exists()
    discarded = AuditEvent.objects.get(action="signin.kept_form_discarded")
    assert discarded.actor_id == world.client_b.user.public_id
    assert discarded.detail["reason"] == "another_person_signed_in"

    # It is gone for good: the person it belonged to, signing in next, gets nothing sent.
    http.post(reverse("sign_out"))
    assert KEPT_NOTICE not in http.get(reverse("sign_in")).content
    back = sign_in_again(http, world.client_a.email, next_url=phq9.get_absolute_url())
    assert b"Over the last 2 weeks" in http.get(back["Location"]).content  # an empty form
    assert not Response.objects.exists()


def test_it_does_not_keep_a_form_whose_csrf_token_is_wrong(world, phq9, time_machine):
    browser = sign_in(Client(enforce_csrf_checks=True), world.client_a.user)
    page = browser.get(phq9.get_absolute_url())
    form = answers(PHQ9_POSITIVE, hidden(page, "token")) | {"csrfmiddlewaretoken": "x" * 64}

    idle_past_the_limit(time_machine)
    sent = browser.post(phq9.get_absolute_url(), form)
    assert sent["Location"].startswith(reverse("sign_in"))
    sign_in_page = browser.get(sent["Location"])
    assert KEPT_NOTICE not in sign_in_page.content
    assert KEPT_FORM not in browser.session
    signed_in = sign_in_again(
        browser,
        world.client_a.email,
        next_url=phq9.get_absolute_url(),
        csrfmiddlewaretoken=hidden(sign_in_page, "csrfmiddlewaretoken"),
    )
    browser.get(signed_in["Location"])
    assert not Response.objects.exists()
    assert not AuditEvent.objects.filter(action="signin.kept_form_resent").exists()


def test_it_stores_one_response_when_a_saved_questionnaire_is_sent_again(
    world, phq9, http, time_machine
):
    sign_in(http, world.client_a.user)
    form = answers(PHQ9_POSITIVE, str(uuid.uuid4()))
    first = http.post(phq9.get_absolute_url(), form)
    assert first.status_code == 302

    # The same form sent again (a back button, a second tab) after the session ran out.
    idle_past_the_limit(time_machine)
    assert http.post(phq9.get_absolute_url(), form)["Location"].startswith(reverse("sign_in"))
    landing = http.get(sign_in_again(http, world.client_a.email)["Location"], follow=True)

    assert Response.objects.count() == 1
    assert RiskAnswer.objects.count() == 1
    assert RiskEpisode.objects.count() == 1
    assert landing.redirect_chain[-1][0] == first["Location"]


def test_it_forgets_a_kept_form_after_twelve_hours(world, phq9, http, time_machine):
    sign_in(http, world.client_a.user)
    idle_past_the_limit(time_machine)
    http.post(phq9.get_absolute_url(), answers(PHQ9_POSITIVE, str(uuid.uuid4())))

    time_machine.shift(dt.timedelta(hours=6))
    assert KEPT_NOTICE in http.get(reverse("sign_in")).content
    time_machine.shift(dt.timedelta(seconds=KEEP_SECONDS - 6 * 60 * 60 + 60))
    assert KEPT_NOTICE not in http.get(reverse("sign_in")).content

    signed_in = sign_in_again(http, world.client_a.email, next_url=phq9.get_absolute_url())
    assert b"Over the last 2 weeks" in http.get(signed_in["Location"]).content
    assert not Response.objects.exists()
    expired = AuditEvent.objects.get(action="signin.kept_form_discarded")
    assert expired.detail["reason"] == "expired"
    assert expired.target_id == str(world.client_a.user.public_id)
