"""Who may read and change a formulation and three circles (the matrix covers every URL too)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tending.formulation.models import CirclesCheckIn, FormulationLink, FormulationVersion
from tending.formulation.parts import PART_KEYS
from tending.testing.formulation_records import (
    add_check_in,
    add_link,
    add_version,
    practice_homework,
)
from tending.testing.personas import sign_in

SECRET = "Words only client A and clinician A may read"


@pytest.fixture
def records(world):
    version = add_version(world.client_a, world.client_a.user, "client", history=SECRET)
    homework = practice_homework(world.client_a, world.clinician_a)
    link = add_link(world.client_a, "history", homework, world.clinician_a)
    check_in = add_check_in(world.client_a, note=SECRET)
    return {"version": version, "homework": homework, "link": link, "check_in": check_in}


def _state():
    return (
        list(FormulationVersion.objects.values_list("pk", "number")),
        list(FormulationLink.objects.values_list("pk", "part")),
        list(CirclesCheckIn.objects.values_list("pk", "token")),
    )


def _edit_data(based_on=1):
    return dict.fromkeys(PART_KEYS, "Overwritten") | {
        "based_on": str(based_on),
        "token": str(uuid.uuid4()),
    }


def _circles_data():
    return {"token": str(uuid.uuid4()), "threat": "1", "drive": "1", "soothe": "1"}


def test_a_client_reads_and_edits_only_their_own(world, records):
    mine = sign_in(Client(), world.client_a.user)
    assert SECRET in mine.get(reverse("my_formulation")).content.decode()
    assert SECRET in mine.get(reverse("my_circles")).content.decode()

    other = sign_in(Client(), world.client_b.user)
    for name in ("my_formulation", "my_formulation_history", "my_circles"):
        assert SECRET not in other.get(reverse(name)).content.decode()
    # Their own edit starts a formulation of their own and never touches client A's.
    other.post(reverse("my_formulation_edit"), _edit_data(based_on=0))
    assert FormulationVersion.objects.filter(formulation__client=world.client_a).count() == 1
    assert FormulationVersion.objects.get(formulation__client=world.client_b).history == (
        "Overwritten"
    )


def test_a_client_cannot_use_the_clinician_pages_even_for_themselves(world, records):
    mine = sign_in(Client(), world.client_a.user)
    url = reverse("client_formulation", args=[world.client_a.public_id])
    assert mine.get(url).status_code == 404


@pytest.mark.parametrize(
    "persona", ["clinician_a2", "clinician_b", "admin_a", "admin_b", "client_b"]
)
def test_everyone_else_gets_404_and_changes_nothing(world, records, persona):
    http = sign_in(Client(), world.persona(persona))
    client_id = world.client_a.public_id
    before = _state()
    for name in (
        "client_formulation",
        "client_formulation_edit",
        "client_formulation_history",
        "client_formulation_changes",
        "client_circles",
        "client_circles_new",
    ):
        response = http.get(reverse(name, args=[client_id]))
        assert response.status_code == 404, name
        assert SECRET.encode() not in response.content
    writes = [
        (reverse("client_formulation_edit", args=[client_id]), _edit_data()),
        (reverse("client_circles_new", args=[client_id]), _circles_data()),
        (
            reverse("formulation_link_add", args=[client_id]),
            {"part": "consequences", "assignment": str(records["homework"].public_id)},
        ),
        (reverse("formulation_link_remove", args=[records["link"].public_id]), {}),
    ]
    for url, data in writes:
        assert http.post(url, data).status_code == 404, url
    assert _state() == before


def test_the_clinician_of_the_client_reads_edits_and_links(world, records):
    http = sign_in(Client(), world.clinician_a)
    client_id = world.client_a.public_id
    assert SECRET in http.get(reverse("client_formulation", args=[client_id])).content.decode()
    assert SECRET in http.get(reverse("client_circles", args=[client_id])).content.decode()
    response = http.post(reverse("client_formulation_edit", args=[client_id]), _edit_data())
    assert response.status_code == 302
    assert FormulationVersion.objects.filter(formulation__client=world.client_a).count() == 2


def test_a_clinician_without_a_second_factor_is_sent_to_verify(world, records):
    http = sign_in(Client(), world.clinician_a, verified=False)
    response = http.get(reverse("client_formulation", args=[world.client_a.public_id]))
    assert response.status_code == 302
    assert SECRET.encode() not in response.content
