"""Scoring-only questionnaires reach clients only with their organisation's licensed wording.

Hazard H-005: without it a client would see "Item 1", "Item 2"… and answer numbers they cannot
read, FSCRS item 9 (wanting to hurt oneself) among them.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from tending.measures.definitions import get_definition
from tending.measures.models import MeasureRequest, MeasureWording, Response
from tending.measures.services import NotAnswerableOnline, answerable_online, request_measure
from tending.safety.models import RiskAnswer, RiskEpisode
from tending.testing.measure_records import import_licensed_wording
from tending.testing.personas import sign_in

FSCRS_ITEM_9_HIGH = dict.fromkeys(range(1, 23), 1) | {9: 3}


def answers_form(answers):
    data = {f"item_{n}": str(v) for n, v in answers.items() if v is not None}
    data["token"] = str(uuid.uuid4())
    return data


def option(page: str, key: str) -> str:
    """The <option> tag for a questionnaire on the clinician's "ask now" form."""
    found = re.search(rf'<option value="{key}"[^>]*>[^<]*</option>', page)
    assert found, key
    return found.group(0)


def test_it_shows_a_questionnaire_without_wording_greyed_out_with_the_reason(world, http):
    sign_in(http, world.clinician_a)
    url = reverse("client_measures", args=[world.client_a.public_id])
    page = http.get(url).content.decode()
    assert "disabled" in option(page, "fscrs")
    assert "needs your organisation&#x27;s licensed wording" in option(page, "fscrs")
    assert "disabled" not in option(page, "phq9")
    assert "enter answers given on paper" in page

    import_licensed_wording(world.org_a, "fscrs")
    page = http.get(url).content.decode()
    assert "disabled" not in option(page, "fscrs")
    assert "licensed wording" not in option(page, "fscrs")
    assert "disabled" in option(page, "oas2")  # wording is per questionnaire


def test_it_refuses_a_crafted_request_without_wording_and_keeps_what_was_chosen(world, http):
    import_licensed_wording(world.org_b, "oas2")  # another organisation's licence is not theirs
    sign_in(http, world.clinician_a)
    response = http.post(
        reverse("measure_request", args=[world.client_a.public_id]),
        {"measure": "oas2", "show_summary": "on"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The OAS-2 needs your organisation&#x27;s licensed wording before a client" in page
    assert "selected" in option(page, "oas2")
    assert re.search(r'name="show_summary"[^>]*checked', page)
    assert not MeasureRequest.objects.exists()
    assert (
        "OAS-2" not in sign_in(Client(), world.client_a.user).get(reverse("today")).content.decode()
    )


def test_it_sends_a_scoring_only_questionnaire_once_the_wording_is_imported(world, http):
    import_licensed_wording(world.org_a, "oas2")
    sign_in(http, world.clinician_a)
    http.post(reverse("measure_request", args=[world.client_a.public_id]), {"measure": "oas2"})
    asked = MeasureRequest.objects.get(measure_key="oas2")
    page = sign_in(Client(), world.client_a.user).get(asked.get_absolute_url())
    assert b"Licensed oas2 item 1" in page.content
    assert b"Item 1" not in page.content
    assert page.content.count(b'type="radio"') == 8 * 5


def test_the_service_refuses_to_ask_without_wording_whoever_calls_it(world):
    request = RequestFactory().post("/")
    request.user = world.clinician_a
    with pytest.raises(NotAnswerableOnline):
        request_measure(
            request=request,
            clinician=world.clinician_a,
            client=world.client_a,
            definition=get_definition("fscrs"),
            show_summary=False,
        )
    assert not MeasureRequest.objects.exists()


def test_wording_counts_only_while_every_item_has_its_text(world):
    keys = ["phq9", "oas2", "fscrs", "no-such-measure"]
    assert answerable_online(world.org_a.pk, keys) == {"phq9"}
    wording = import_licensed_wording(world.org_a, "oas2")
    assert answerable_online(world.org_a.pk, keys) == {"phq9", "oas2"}
    MeasureWording.objects.filter(pk=wording.pk).update(items=["Only one item"])
    assert answerable_online(world.org_a.pk, keys) == {"phq9"}
    wording.delete()
    assert answerable_online(world.org_a.pk, keys) == {"phq9"}
    assert answerable_online(world.org_b.pk, keys) == {"phq9"}


def test_a_client_never_sees_item_numbers_for_a_request_made_without_wording(world, http):
    # Asked for before this control existed (or the wording was removed since).
    asked = MeasureRequest.objects.create(
        client=world.client_a, measure_key="fscrs", requested_by=world.clinician_a
    )
    client = sign_in(Client(), world.client_a.user)
    page = client.get(asked.get_absolute_url())
    assert page.status_code == 200
    assert b"This questionnaire cannot be filled in online yet" in page.content
    assert b"will go through it with you" in page.content
    assert b"Item 1" not in page.content and b'type="radio"' not in page.content

    crafted = client.post(asked.get_absolute_url(), answers_form(FSCRS_ITEM_9_HIGH))
    assert crafted.status_code == 409
    assert not Response.objects.exists() and not RiskAnswer.objects.exists()
    assert not RiskEpisode.objects.exists()
    asked.refresh_from_db()
    assert asked.completed_at is None

    sign_in(http, world.clinician_a)
    staff_page = http.get(reverse("client_measures", args=[world.client_a.public_id]))
    assert b"cannot answer the FSCRS online" in staff_page.content
    paper = reverse("paper_entry", args=[world.client_a.public_id, "fscrs"])
    assert paper.encode() in staff_page.content


def test_paper_entry_works_without_wording_and_completes_the_stuck_request(world, http):
    asked = MeasureRequest.objects.create(
        client=world.client_a, measure_key="fscrs", requested_by=world.clinician_a
    )
    sign_in(http, world.clinician_a)
    url = reverse("paper_entry", args=[world.client_a.public_id, "fscrs"])
    page = http.get(url)
    assert page.status_code == 200
    assert b"9. Item 9" in page.content
    assert b"item with the same number on your licensed paper form" in page.content

    saved = http.post(url, answers_form(FSCRS_ITEM_9_HIGH))
    assert saved.status_code == 302
    response = Response.objects.get()
    assert (response.source, response.measure_key, response.request) == ("paper", "fscrs", asked)
    answer = RiskAnswer.objects.get(response_id=response.public_id)
    assert answer.priority == "high" and answer.episode.priority == "high"
    # Without licensed wording the item's text is not copied into the risk answer; the
    # shipped scale label is.
    assert answer.items == [
        {"item": 9, "answer": 3, "text": "", "answer_label": "Quite a bit like me"}
    ]
    asked.refresh_from_db()
    assert asked.completed_at is not None
    staff_page = http.get(reverse("client_measures", args=[world.client_a.public_id]))
    assert b"cannot answer the FSCRS online" not in staff_page.content
