from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tending.audit.models import AuditEvent
from tending.formulation.models import FormulationLink
from tending.testing.formulation_records import add_version, practice_homework
from tending.testing.personas import sign_in


@pytest.fixture
def clinician_http(world):
    return sign_in(Client(), world.clinician_a)


def test_a_clinician_links_a_practice_to_a_part_and_both_see_it(world, clinician_http):
    add_version(world.client_a, world.clinician_a, "clinician", threats_internal="Panic.")
    homework = practice_homework(world.client_a, world.clinician_a)
    url = reverse("formulation_link_add", args=[world.client_a.public_id])
    data = {"part": "threats_internal", "assignment": str(homework.public_id)}

    first = clinician_http.post(url, data)
    again = clinician_http.post(url, data)  # a double submit
    assert first.status_code == again.status_code == 302
    link = FormulationLink.objects.get()
    assert (link.part, link.assignment) == ("threats_internal", homework)
    assert AuditEvent.objects.filter(action="formulation.link_added").count() == 1

    page = clinician_http.get(reverse("client_formulation", args=[world.client_a.public_id]))
    assert b">Practice: Soothing" in page.content  # in the diagram
    assert b"Soothing rhythm breathing</a>" in page.content  # in the words
    client_page = sign_in(Client(), world.client_a.user).get(reverse("my_formulation"))
    assert b">Practice: Soothing" in client_page.content
    assert reverse("practice_play", args=[homework.practice.public_id]).encode() in (
        client_page.content
    )
    assert b"Unlink" not in client_page.content  # clients do not manage links


def test_a_clinician_unlinks_a_practice(world, clinician_http):
    homework = practice_homework(world.client_a, world.clinician_a)
    clinician_http.post(
        reverse("formulation_link_add", args=[world.client_a.public_id]),
        {"part": "self_relating", "assignment": str(homework.public_id)},
    )
    link = FormulationLink.objects.get()
    response = clinician_http.post(reverse("formulation_link_remove", args=[link.public_id]))
    assert response.status_code == 302
    assert not FormulationLink.objects.exists()
    assert AuditEvent.objects.filter(action="formulation.link_removed").exists()


def test_only_the_clients_own_practice_homework_can_be_linked(world, clinician_http):
    practice_homework(world.client_a, world.clinician_a)
    someone_elses = practice_homework(world.client_b, world.clinician_a)
    response = clinician_http.post(
        reverse("formulation_link_add", args=[world.client_a.public_id]),
        {"part": "history", "assignment": str(someone_elses.public_id)},
    )
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert not FormulationLink.objects.exists()


def test_an_unknown_part_is_refused_and_the_choice_kept(world, clinician_http):
    homework = practice_homework(world.client_a, world.clinician_a)
    response = clinician_http.post(
        reverse("formulation_link_add", args=[world.client_a.public_id]),
        {"part": "nonsense", "assignment": str(homework.public_id)},
    )
    assert response.status_code == 400
    assert f'value="{homework.public_id}" selected'.encode() in response.content
    assert not FormulationLink.objects.exists()
