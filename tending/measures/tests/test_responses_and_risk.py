from __future__ import annotations

import uuid

from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from tending.audit.models import AuditEvent
from tending.measures.definitions import get_definition
from tending.measures.models import MeasureRequest, Response
from tending.measures.services import submit_response
from tending.safety.models import RiskAnswer, RiskEpisode
from tending.testing.measure_records import PHQ9_POSITIVE, answer_phq9
from tending.testing.personas import make_client, sign_in

ITEM_9 = "Thoughts that you would be better off dead or of hurting yourself in some way"


def item_9(answer, label):
    return [{"item": 9, "answer": answer, "text": ITEM_9, "answer_label": label}]


def close(http, episode, note="Phoned; risk assessment done"):
    return http.post(
        episode.get_absolute_url(),
        {"actions": ["phoned", "assessed"], "note": note, "answers_seen": episode.answers.count()},
    )


def ask(http, world, measure="phq9", show_summary=False):
    sign_in(http, world.clinician_a)
    data = {"measure": measure}
    if show_summary:
        data["show_summary"] = "on"
    http.post(reverse("measure_request", args=[world.client_a.public_id]), data)
    return MeasureRequest.objects.get(client=world.client_a, measure_key=measure, completed_at=None)


def answers_form(answers, token=None):
    data = {f"item_{n}": str(v) for n, v in answers.items() if v is not None}
    data["token"] = str(token or uuid.uuid4())
    return data


def test_a_clinician_asks_and_the_client_answers_on_one_page(world, http):
    asked = ask(http, world, "gad7", show_summary=True)
    client = sign_in(Client(), world.client_a.user)
    today = client.get(reverse("today"))
    assert asked.get_absolute_url().encode() in today.content

    page = client.get(asked.get_absolute_url())
    assert b"Over the last 2 weeks" in page.content or b"last 2 weeks" in page.content.lower()
    assert page.content.count(b'type="radio"') == 7 * 4
    assert b"(7 of 7)" in page.content

    response = client.post(asked.get_absolute_url(), answers_form(dict.fromkeys(range(1, 8), 2)))
    stored = Response.objects.get()
    assert response["Location"] == stored.get_absolute_url()
    assert (stored.total, stored.band, stored.measure_version) == (14, "Moderate", 1)
    summary = client.get(response["Location"])
    assert b"Your total is <strong>14</strong>" in summary.content
    asked.refresh_from_db()
    assert asked.completed_at is not None


def test_every_item_must_be_answered_and_answers_are_kept(world, http):
    asked = ask(http, world, "gad7")
    client = sign_in(Client(), world.client_a.user)
    partial = dict.fromkeys(range(1, 7), 1)  # item 7 missing
    response = client.post(asked.get_absolute_url(), answers_form(partial))
    assert response.status_code == 400
    assert b"Please choose an answer for this item." in response.content
    assert response.content.count(b"checked") == 6
    assert not Response.objects.exists()


def test_an_answer_outside_the_scale_is_refused(world, http):
    asked = ask(http, world, "gad7")
    client = sign_in(Client(), world.client_a.user)
    answers = dict.fromkeys(range(1, 8), 1) | {3: 4}
    assert client.post(asked.get_absolute_url(), answers_form(answers)).status_code == 400
    assert not Response.objects.exists()


def test_a_positive_item_9_raises_a_risk_answer_and_shows_help_at_once(world, http):
    asked = ask(http, world, "phq9", show_summary=True)
    client = sign_in(Client(), world.client_a.user)
    response = client.post(asked.get_absolute_url(), answers_form(PHQ9_POSITIVE))
    page = client.get(response["Location"])
    assert b"Thank you for telling us" in page.content
    assert b"If you need help now" in page.content
    assert b"Your total is" not in page.content  # no score summary on the help page

    answer = RiskAnswer.objects.get()
    assert answer.priority == "high"
    assert answer.items == item_9(2, "More than half the days")
    assert answer.response_id == Response.objects.get().public_id
    assert (answer.measure_key, answer.measure_title) == ("phq9", "PHQ-9")
    assert answer.client == world.client_a
    episode = answer.episode
    assert (episode.client, episode.priority, episode.is_open) == (world.client_a, "high", True)
    assert AuditEvent.objects.filter(action="risk_episode.opened").count() == 1
    assert AuditEvent.objects.filter(action="risk_answer.raised").count() == 1


def test_the_same_submission_twice_makes_one_response_and_one_risk_answer(world, http):
    asked = ask(http, world, "phq9")
    client = sign_in(Client(), world.client_a.user)
    form = answers_form(PHQ9_POSITIVE, token=uuid.uuid4())
    first = client.post(asked.get_absolute_url(), form)
    second = client.post(asked.get_absolute_url(), form)
    assert first["Location"] == second["Location"]
    assert Response.objects.count() == 1
    assert RiskAnswer.objects.count() == 1
    assert RiskEpisode.objects.count() == 1


def test_the_clinician_is_emailed_without_clinical_content_and_sees_the_answer_first(
    world, http, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer_phq9(world)
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == [world.clinician_a.email]
    # The clinician's own name is fine; nothing about the client or the answer is.
    assert "CANARY-client" not in body and "item 9" not in body.lower()
    answer = RiskAnswer.objects.get()
    assert answer.notified_at is not None
    episode = answer.episode
    assert episode.get_absolute_url() in body

    sign_in(http, world.clinician_a)
    home = http.get(reverse("caseload")).content.decode()
    assert "1 client with risk answers waiting for you:" in home
    assert f"{world.client_a.name} (high, 1 answer)" in home
    assert episode.get_absolute_url() in home
    other = sign_in(Client(), world.clinician_a2)
    assert "answers waiting" not in other.get(reverse("caseload")).content.decode()


def test_an_episode_stays_open_until_closed_with_what_was_done(world, http):
    episode = RiskAnswer.objects.get(response_id=answer_phq9(world).public_id).episode
    sign_in(http, world.clinician_a)
    page = http.get(episode.get_absolute_url())
    assert b"Answer: <strong>2 (More than half the days)</strong>" in page.content

    empty = http.post(episode.get_absolute_url(), {"note": "", "answers_seen": 1})
    assert empty.status_code == 400
    assert b"Choose at least one thing you did." in empty.content
    episode.refresh_from_db()
    assert episode.is_open

    close(http, episode, note="Phoned; risk assessment done CANARY-ack")
    episode.refresh_from_db()
    assert not episode.is_open
    assert episode.closed_by == world.clinician_a
    assert episode.actions == ["phoned", "assessed"]
    assert episode.note.endswith("CANARY-ack")
    assert b"answers waiting" not in http.get(reverse("caseload")).content
    event = AuditEvent.objects.get(action="risk_episode.closed")
    assert "CANARY" not in str(event.detail)


def test_a_blank_risk_item_on_paper_raises_a_high_risk_answer_and_no_total(world, http):
    sign_in(http, world.clinician_a)
    answers = PHQ9_POSITIVE | {9: None}
    http.post(
        reverse("paper_entry", args=[world.client_a.public_id, "phq9"]), answers_form(answers)
    )
    response = Response.objects.get()
    assert (response.complete, response.total, response.source) == (False, None, "paper")
    answer = RiskAnswer.objects.get()
    assert (answer.priority, answer.items) == ("high", item_9(None, ""))
    assert answer.episode.priority == "high"


def test_the_clinician_sees_change_since_baseline_and_since_last(world, http):
    scores = [
        {1: 3, 2: 3, 3: 3, 4: 3, 5: 2, 6: 2, 7: 2, 8: 0, 9: 0},  # 18
        {1: 2, 2: 2, 3: 2, 4: 2, 5: 1, 6: 1, 7: 1, 8: 1, 9: 0},  # 12
        {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 2, 9: 0},
    ]  # 9
    for answers in scores:
        answer_phq9(world, answers)
    sign_in(http, world.clinician_a)
    page = http.get(reverse("client_measures", args=[world.client_a.public_id]))
    newest = page.context["measures"][0]["rows"][0]
    assert newest["response"].total == 9
    assert newest["since_baseline"].classification == "recovered"  # 18 → 9
    assert newest["since_last"].classification == "unchanged"  # 12 → 9
    assert b"Reliable change needs 6.00 points" in page.content


def test_going_back_and_changing_a_risk_answer_is_never_dropped(world, http):
    asked = ask(http, world, "phq9")
    client = sign_in(Client(), world.client_a.user)
    token = uuid.uuid4()
    calm = PHQ9_POSITIVE | {9: 0}
    client.post(asked.get_absolute_url(), answers_form(calm, token=token))
    assert not RiskAnswer.objects.exists()

    changed = client.post(
        asked.get_absolute_url(), answers_form(PHQ9_POSITIVE | {9: 3}, token=token)
    )
    assert Response.objects.count() == 2
    answer = RiskAnswer.objects.get()
    assert answer.items == item_9(3, "Nearly every day")
    assert b"Thank you for telling us" in client.get(changed["Location"]).content


def test_a_paper_form_never_borrows_another_measures_saved_response(world, http):
    sign_in(http, world.clinician_a)
    token = uuid.uuid4()
    gad7 = dict.fromkeys(range(1, 8), 1)
    http.post(
        reverse("paper_entry", args=[world.client_a.public_id, "gad7"]), answers_form(gad7, token)
    )
    phq9 = dict.fromkeys(range(1, 10), 3)
    http.post(
        reverse("paper_entry", args=[world.client_a.public_id, "phq9"]), answers_form(phq9, token)
    )
    assert sorted(Response.objects.values_list("measure_key", flat=True)) == ["gad7", "phq9"]
    answer = RiskAnswer.objects.get()
    assert answer.measure_key == "phq9"
    assert answer.response_id == Response.objects.get(measure_key="phq9").public_id


def answer_phq9_for(client, answers):
    request = RequestFactory().post("/")
    request.user = client.user
    response, _ = submit_response(
        request=request,
        client=client,
        definition=get_definition("phq9"),
        answers=answers,
        token=uuid.uuid4(),
        entered_by=client.user,
        source=Response.Source.CLIENT,
    )
    return RiskAnswer.objects.get(response_id=response.public_id)


def test_high_priority_episodes_are_listed_first_in_the_banner(world, http):
    standard = [make_client(world.org_a, world.clinician_a, f"standard_{n}") for n in range(2)]
    for client in standard:
        answer_phq9_for(client, PHQ9_POSITIVE | {9: 1})  # standard
    for _ in range(3):
        answer_phq9(world, PHQ9_POSITIVE | {9: 1})  # standard, opened after the others
    high = answer_phq9(world, PHQ9_POSITIVE | {9: 3})  # joins client A's episode, raising it
    episode = RiskAnswer.objects.get(response_id=high.public_id).episode
    assert episode.answers.count() == 4 and episode.priority == "high"
    sign_in(http, world.clinician_a)
    page = http.get(reverse("caseload"))
    alerts = page.context["open_risk_alerts"]
    assert alerts[0].public_id == episode.public_id
    assert [a.priority for a in alerts] == ["high", "standard", "standard"]
    assert [a.answers for a in alerts] == [4, 1, 1]
    banner = page.content.decode().split('class="alert-banner"')[1].split("</div>")[0]
    assert "3 clients with risk answers waiting for you:" in banner
    assert banner.count(world.client_a.name) == 1  # one line per client, however many answers
    assert f"{world.client_a.name} (high, 4 answers)" in banner
    assert banner.index("(high,") < banner.index(standard[0].name) < banner.index(standard[1].name)
    assert episode.get_absolute_url() in banner


def test_paper_entry_shows_which_answer_is_wrong(world, http):
    sign_in(http, world.clinician_a)
    data = answers_form(dict.fromkeys(range(1, 10), 1)) | {"item_4": "9"}
    page = http.post(reverse("paper_entry", args=[world.client_a.public_id, "phq9"]), data)
    assert page.status_code == 400
    assert b'id="id_item_4_error"' in page.content
    stale = {k: v for k, v in answers_form(dict.fromkeys(range(1, 10), 1)).items() if k != "token"}
    page = http.post(reverse("paper_entry", args=[world.client_a.public_id, "phq9"]), stale)
    assert b"Part of this form was missing or out of date" in page.content
