from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tending.audit.models import AuditEvent
from tending.practices.models import Practice
from tending.testing.personas import sign_in
from tending.therapy_sessions import prompts
from tending.therapy_sessions.models import OwnPractice, Reflection


@pytest.fixture
def clinician(world):
    return sign_in(Client(), world.clinician_a)


def practice_data(practice, **changes):
    data = {
        "own-token": str(uuid.uuid4()),
        "own-practice": str(practice.public_id),
        "own-practised_on": "2026-11-16",
        "own-minutes": "12",
        "own-note": "Felt steadier afterwards.",
    }
    return data | changes


def reflection_data(**changes):
    data = {
        "reflection-token": str(uuid.uuid4()),
        "reflection-prompt": "noticed-in-me",
        "reflection-text": "I noticed my shoulders rise when the critic spoke.",
        "reflection-client": "",
    }
    return data | changes


def test_every_layer_has_a_few_prompts():
    for number, _, layer_prompts in prompts.by_layer():
        assert 2 <= len(layer_prompts) <= 5, number
    assert len(prompts.BY_KEY) == len(prompts.PROMPTS)


def test_a_clinician_logs_their_own_practice_once(world, clinician, time_machine):
    time_machine.move_to("2026-11-16 12:00Z")
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    data = practice_data(breathing)
    url = reverse("development_practice")
    assert clinician.post(url, data)["Location"] == reverse("development") + "#own-practice"
    clinician.post(url, data)
    entry = OwnPractice.objects.get()
    assert (entry.clinician, entry.practice, entry.minutes) == (world.clinician_a, breathing, 12)
    page = clinician.get(reverse("development")).content.decode()
    assert "Felt steadier afterwards." in page
    event = AuditEvent.objects.get(action="development.practice_logged")
    assert event.detail == {"practice": "soothing-rhythm-breathing", "minutes": 12}


def test_a_practice_from_another_organisation_cannot_be_logged(world, clinician):
    from tending.testing.practice_records import make_practice

    theirs = make_practice(world.org_b, world.clinician_b, "practice_b")
    response = clinician.post(reverse("development_practice"), practice_data(theirs))
    assert response.status_code == 400
    assert b"Felt steadier afterwards." in response.content
    assert not OwnPractice.objects.exists()


def test_a_reflection_is_saved_once_encrypted_and_audited_without_text(world, clinician):
    data = reflection_data(**{"reflection-client": str(world.client_a.public_id)})
    url = reverse("development_reflection")
    clinician.post(url, data)
    clinician.post(url, data)
    reflection = Reflection.objects.get()
    assert (reflection.layer, reflection.client) == (3, world.client_a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM therapy_sessions_reflection")
        raw = cursor.fetchone()[0]
    assert raw.startswith("f1:") and "shoulders" not in raw
    event = AuditEvent.objects.get(action="development.reflection_added")
    assert "shoulders" not in str(event.detail)
    assert event.detail == {"layer": 3, "prompt": "noticed-in-me", "tagged": True}


def test_a_reflection_names_only_a_client_on_the_authors_own_caseload(world, clinician):
    response = clinician.post(
        reverse("development_reflection"),
        reflection_data(**{"reflection-client": str(world.client_a2.public_id)}),
    )
    assert response.status_code == 400
    assert b"I noticed my shoulders rise" in response.content
    assert not Reflection.objects.exists()


def test_a_prompt_link_preselects_the_prompt(clinician):
    page = clinician.get(reverse("development") + "?prompt=not-my-fault").content.decode()
    assert '<option value="not-my-fault" selected>' in page
    assert "How can I help them arrive at" in page
