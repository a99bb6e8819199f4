from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tending.formulation.models import CirclesCheckIn
from tending.testing.formulation_records import add_check_in
from tending.testing.personas import sign_in


@pytest.fixture
def client_http(world):
    return sign_in(Client(), world.client_a.user)


def check_in(http, url=None, **fields):
    data = {"token": str(uuid.uuid4()), "threat": "7", "drive": "4", "soothe": "2"} | fields
    return http.post(url or reverse("my_circles_new"), data)


def test_a_client_checks_in_and_sees_their_circles(world, client_http):
    assert client_http.get(reverse("my_circles_new")).status_code == 200
    response = check_in(client_http, soothe_activators="Walk with the dog", note="A good week")
    assert response.status_code == 302 and response["Location"] == reverse("my_circles")
    saved = CirclesCheckIn.objects.get()
    assert (saved.threat, saved.drive, saved.soothe) == (7, 4, 2)
    assert (saved.recorded_by, saved.recorded_by_role) == (world.client_a.user, "client")

    page = client_http.get(reverse("my_circles")).content.decode()
    assert "Your check-in is saved." in page
    assert "Walk with the dog" in page and "A good week" in page
    assert "Three circles: Threat 7 out of 10, Drive 4 out of 10, Soothe 2 out of 10" in page
    assert "not a map of the brain" in page


def test_the_same_check_in_sent_twice_is_stored_once(world, client_http):
    token = str(uuid.uuid4())
    check_in(client_http, token=token, note="first")
    check_in(client_http, token=token, note="a retry must not overwrite")
    assert CirclesCheckIn.objects.get().note == "first"


def test_a_missing_rating_is_explained_and_the_typing_kept(world, client_http):
    response = check_in(client_http, soothe="", note="Keep this text")
    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert b"Keep this text" in response.content
    assert not CirclesCheckIn.objects.exists()


def test_a_rating_above_10_is_refused(world, client_http):
    response = check_in(client_http, threat="11")
    assert response.status_code == 400
    assert not CirclesCheckIn.objects.exists()


def test_a_clinician_records_a_check_in_in_session_and_reads_the_history(world):
    http = sign_in(Client(), world.clinician_a)
    url = reverse("client_circles_new", args=[world.client_a.public_id])
    response = check_in(http, url, threat="5")
    assert response.status_code == 302
    saved = CirclesCheckIn.objects.get()
    assert (saved.client, saved.recorded_by_role) == (world.client_a, "clinician")
    page = http.get(reverse("client_circles", args=[world.client_a.public_id]))
    assert b"recorded in session" in page.content
    client_page = sign_in(Client(), world.client_a.user).get(reverse("my_circles"))
    assert b"(in session)" in client_page.content


def test_the_history_shows_a_trend_and_pages_in_bounded_queries(
    world, client_http, django_assert_max_num_queries
):
    for week in range(25):
        add_check_in(
            world.client_a,
            threat=8,
            drive=5,
            soothe=min(10, 1 + week // 3),
            days_ago=7 * (25 - week),
        )
    with django_assert_max_num_queries(12):
        page = client_http.get(reverse("my_circles"))
    body = page.content.decode()
    assert "Threat, drive and soothe over time" in body
    assert "25 check-ins from" in body and "soothe from 1 to 9" in body
    assert body.count('class="tc tc--small"') == 10
    older = client_http.get(reverse("my_circles") + "?page=3").content.decode()
    assert older.count('class="tc tc--small"') == 5
    assert "over time" not in older  # the trend sits on the first page
