from __future__ import annotations

import uuid

from django.core import mail
from django.test import Client
from django.urls import reverse

from tending.audit.models import AuditEvent
from tending.measures.models import MeasureRequest, Response, RiskAlert
from tending.testing.measure_records import PHQ9_POSITIVE, answer_phq9
from tending.testing.personas import sign_in


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


def test_a_positive_item_9_raises_an_alert_and_shows_help_at_once(world, http):
    asked = ask(http, world, "phq9", show_summary=True)
    client = sign_in(Client(), world.client_a.user)
    response = client.post(asked.get_absolute_url(), answers_form(PHQ9_POSITIVE))
    page = client.get(response["Location"])
    assert b"Thank you for telling us" in page.content
    assert b"If you need help now" in page.content
    assert b"Your total is" not in page.content  # no score summary on the help page

    alert = RiskAlert.objects.get()
    assert alert.priority == "high"
    assert alert.items == [{"item": 9, "answer": 2}]
    assert alert.response == Response.objects.get()
    assert AuditEvent.objects.filter(action="risk_alert.created").count() == 1


def test_the_same_submission_twice_makes_one_response_and_one_alert(world, http):
    asked = ask(http, world, "phq9")
    client = sign_in(Client(), world.client_a.user)
    form = answers_form(PHQ9_POSITIVE, token=uuid.uuid4())
    first = client.post(asked.get_absolute_url(), form)
    second = client.post(asked.get_absolute_url(), form)
    assert first["Location"] == second["Location"]
    assert Response.objects.count() == 1
    assert RiskAlert.objects.count() == 1


def test_the_clinician_is_emailed_without_clinical_content_and_sees_the_alert_first(
    world, http, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer_phq9(world)
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == [world.clinician_a.email]
    # The clinician's own name is fine; nothing about the client or the answer is.
    assert "CANARY-client" not in body and "item 9" not in body.lower()
    alert = RiskAlert.objects.get()
    assert alert.notified_at is not None

    sign_in(http, world.clinician_a)
    home = http.get(reverse("caseload"))
    assert b"1 risk alert waiting" in home.content
    assert alert.get_absolute_url().encode() in home.content
    other = sign_in(Client(), world.clinician_a2)
    assert b"risk alert" not in other.get(reverse("caseload")).content


def test_an_alert_stays_open_until_acknowledged_with_a_note(world, http):
    alert = RiskAlert.objects.get(response=answer_phq9(world))
    sign_in(http, world.clinician_a)
    page = http.get(alert.get_absolute_url())
    assert b"Answer: <strong>2 (More than half the days)</strong>" in page.content

    empty = http.post(alert.get_absolute_url(), {"note": ""})
    assert empty.status_code == 400
    alert.refresh_from_db()
    assert alert.is_open

    http.post(alert.get_absolute_url(), {"note": "Phoned; risk assessment done CANARY-ack"})
    alert.refresh_from_db()
    assert not alert.is_open
    assert alert.acknowledged_by == world.clinician_a
    assert alert.acknowledgement.endswith("CANARY-ack")
    assert b"risk alert waiting" not in http.get(reverse("caseload")).content
    event = AuditEvent.objects.get(action="risk_alert.acknowledged")
    assert "CANARY" not in str(event.detail)


def test_a_blank_risk_item_on_paper_raises_a_high_alert_and_no_total(world, http):
    sign_in(http, world.clinician_a)
    answers = PHQ9_POSITIVE | {9: None}
    http.post(
        reverse("paper_entry", args=[world.client_a.public_id, "phq9"]), answers_form(answers)
    )
    response = Response.objects.get()
    assert (response.complete, response.total, response.source) == (False, None, "paper")
    alert = RiskAlert.objects.get()
    assert (alert.priority, alert.items) == ("high", [{"item": 9, "answer": None}])


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
    assert not RiskAlert.objects.exists()

    changed = client.post(
        asked.get_absolute_url(), answers_form(PHQ9_POSITIVE | {9: 3}, token=token)
    )
    assert Response.objects.count() == 2
    alert = RiskAlert.objects.get()
    assert alert.items == [{"item": 9, "answer": 3}]
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
    assert RiskAlert.objects.get().response.measure_key == "phq9"


def test_high_priority_alerts_are_listed_first_in_the_banner(world, http):
    from tending.testing.measure_records import answer_phq9

    for _ in range(3):
        answer_phq9(world, PHQ9_POSITIVE | {9: 1})  # standard
    high = answer_phq9(world, PHQ9_POSITIVE | {9: 3})
    sign_in(http, world.clinician_a)
    page = http.get(reverse("caseload"))
    alerts = page.context["open_risk_alerts"]
    assert alerts[0].public_id == high.risk_alert.public_id
    assert [a.priority for a in alerts] == ["high", "standard", "standard", "standard"]
    banner = page.content.decode().split('class="alert-banner"')[1].split("</div>")[0]
    assert "4 risk alerts waiting." in banner
    assert banner.count("(high)") == 1 and banner.index("(high)") < banner.index("(standard)")
    assert high.risk_alert.get_absolute_url() in banner


def test_paper_entry_shows_which_answer_is_wrong(world, http):
    sign_in(http, world.clinician_a)
    data = answers_form(dict.fromkeys(range(1, 10), 1)) | {"item_4": "9"}
    page = http.post(reverse("paper_entry", args=[world.client_a.public_id, "phq9"]), data)
    assert page.status_code == 400
    assert b'id="id_item_4_error"' in page.content
    stale = {k: v for k, v in answers_form(dict.fromkeys(range(1, 10), 1)).items() if k != "token"}
    page = http.post(reverse("paper_entry", args=[world.client_a.public_id, "phq9"]), stale)
    assert b"Part of this form was missing or out of date" in page.content
