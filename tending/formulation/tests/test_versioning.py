from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tending.formulation.models import Formulation, FormulationVersion
from tending.formulation.parts import PART_KEYS
from tending.testing.formulation_records import add_version
from tending.testing.personas import sign_in

EMPTY = dict.fromkeys(PART_KEYS, "")


def post_edit(http, url, *, based_on, token=None, **texts):
    data = EMPTY | texts | {"based_on": str(based_on), "token": str(token or uuid.uuid4())}
    return http.post(url, data)


@pytest.fixture
def client_http(world):
    return sign_in(Client(), world.client_a.user)


@pytest.fixture
def clinician_http(world):
    return sign_in(Client(), world.clinician_a)


def clinician_edit_url(world):
    return reverse("client_formulation_edit", args=[world.client_a.public_id])


def test_it_saves_each_change_as_a_new_version_by_whoever_wrote_it(
    world, client_http, clinician_http
):
    first = post_edit(
        client_http,
        reverse("my_formulation_edit"),
        based_on=0,
        threats_external="People will leave me.",
    )
    assert first.status_code == 302 and first["Location"] == reverse("my_formulation")
    second = post_edit(
        clinician_http,
        clinician_edit_url(world),
        based_on=1,
        threats_external="People will leave me.",
        self_relating="Harsh inner critic.",
    )
    assert second.status_code == 302

    versions = list(FormulationVersion.objects.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert [(v.author_role, v.author_name) for v in versions] == [
        ("client", world.client_a.user.name),
        ("clinician", world.clinician_a.name),
    ]
    assert versions[0].self_relating == ""  # the first version is kept as it was
    assert versions[1].self_relating == "Harsh inner critic."
    assert Formulation.objects.get(client=world.client_a).version == 2


def test_it_makes_no_version_when_nothing_changed(world, client_http):
    add_version(world.client_a, world.clinician_a, "clinician", history="Moved a lot.")
    response = post_edit(
        client_http, reverse("my_formulation_edit"), based_on=1, history="Moved a lot.\r\n  "
    )
    assert response.status_code == 302
    assert FormulationVersion.objects.count() == 1
    page = client_http.get(response["Location"])
    assert b"Nothing had changed, so no new version was made." in page.content


def test_an_empty_first_save_makes_no_version(world, client_http):
    post_edit(client_http, reverse("my_formulation_edit"), based_on=0)
    assert not FormulationVersion.objects.exists()


def test_a_double_submit_makes_one_version(world, client_http):
    token = uuid.uuid4()
    url = reverse("my_formulation_edit")
    first = post_edit(client_http, url, based_on=0, token=token, history="Once.")
    again = post_edit(client_http, url, based_on=0, token=token, history="A retry, changed.")
    assert first.status_code == again.status_code == 302
    assert FormulationVersion.objects.get().history == "Once."


def test_a_conflict_keeps_what_was_typed_shows_the_latest_and_saves_nothing(
    world, client_http, clinician_http
):
    add_version(world.client_a, world.client_a.user, "client", history="Started by me.")
    # The clinician saves version 2 while the client still has version 1 open.
    post_edit(
        clinician_http,
        clinician_edit_url(world),
        based_on=1,
        history="Started by me.",
        consequences="Tired all the time.",
    )
    token = uuid.uuid4()
    response = post_edit(
        client_http,
        reverse("my_formulation_edit"),
        based_on=1,
        token=token,
        history="Started by me, and more I typed just now.",
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "changed this while you were editing" in body
    assert "Started by me, and more I typed just now." in body  # kept in the box
    assert "Tired all the time." in body  # their latest words, to merge
    assert re.search(r'name="based_on" value="2"', body)  # the next save starts from v2
    assert str(token) in body  # the same token: nothing was stored with it
    assert FormulationVersion.objects.count() == 2

    # Saving again from the merged form now works.
    again = post_edit(
        client_http,
        reverse("my_formulation_edit"),
        based_on=2,
        token=token,
        history="Started by me, and more I typed just now.",
        consequences="Tired all the time.",
    )
    assert again.status_code == 302
    assert FormulationVersion.objects.count() == 3


def test_a_conflict_with_my_own_save_elsewhere_says_so(world, clinician_http):
    add_version(world.client_a, world.clinician_a, "clinician", history="One.")
    add_version(world.client_a, world.clinician_a, "clinician", history="Two.")
    response = post_edit(clinician_http, clinician_edit_url(world), based_on=1, history="Mine.")
    assert response.status_code == 409
    assert b"You saved a newer version somewhere else" in response.content


def test_a_too_long_part_is_explained_and_the_typing_kept(world, client_http):
    response = post_edit(
        client_http,
        reverse("my_formulation_edit"),
        based_on=0,
        history="x" * 4001,
        self_relating="Keep this text",
    )
    assert response.status_code == 400
    assert b"Keep this text" in response.content
    assert b"at most 4000 characters" in response.content
    assert not FormulationVersion.objects.exists()


def test_a_form_missing_its_hidden_fields_is_refused_without_losing_text(world, client_http):
    response = client_http.post(reverse("my_formulation_edit"), {"history": "Keep me"})
    assert response.status_code == 400
    assert b"Keep me" in response.content
    assert b"nothing was saved" in response.content


def test_the_edit_form_starts_from_the_latest_version(world, client_http):
    add_version(world.client_a, world.clinician_a, "clinician", history="Old words.")
    add_version(world.client_a, world.clinician_a, "clinician", history="New words.")
    body = client_http.get(reverse("my_formulation_edit")).content.decode()
    assert "New words." in body and "Old words." not in body
    assert re.search(r'name="based_on" value="2"', body)


def test_the_history_lists_every_version_with_who_and_what_changed(world, client_http):
    add_version(world.client_a, world.clinician_a, "clinician", history="A.")
    add_version(world.client_a, world.client_a.user, "client", history="A.", consequences="B.")
    body = client_http.get(reverse("my_formulation_history")).content.decode()
    assert "Version 2" in body and "Version 1" in body
    assert f"{world.client_a.user.name} (you)" in body
    assert f"{world.clinician_a.name} (your therapist)" in body
    assert "Changed: Unintended consequences." in body
    assert "Changed: Historical influences." in body


def test_an_earlier_version_can_be_read_but_not_edited(world, client_http):
    add_version(world.client_a, world.clinician_a, "clinician", history="The first words.")
    add_version(world.client_a, world.clinician_a, "clinician", history="The second words.")
    body = client_http.get(reverse("my_formulation") + "?version=1").content.decode()
    assert "The first words." in body and "The second words." not in body
    assert "You are reading an earlier version" in body
    assert reverse("my_formulation_edit") not in body
    assert client_http.get(reverse("my_formulation") + "?version=9").status_code == 404
    assert client_http.get(reverse("my_formulation") + "?version=x").status_code == 404


def test_the_changes_page_shows_added_and_removed_words_part_by_part(world, client_http):
    add_version(
        world.client_a, world.clinician_a, "clinician", threats_internal="I will panic badly."
    )
    add_version(
        world.client_a,
        world.client_a.user,
        "client",
        threats_internal="I will panic and not cope.",
        self_relating="Critic.",
    )
    response = client_http.get(reverse("my_formulation_changes"))  # latest against the one before
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 parts changed." in body
    hidden = '<span class="visually-hidden">'
    assert f"<del>{hidden}[removed: </span>badly.{hidden}]</span></del>" in body
    assert f"<ins>{hidden}[added: </span>and not cope.{hidden}]</span></ins>" in body
    assert body.count("No change.") == 5

    older = client_http.get(reverse("my_formulation_changes") + "?old=0&new=1").content.decode()
    assert "[added: </span>I will panic badly.<" in older


def test_the_changes_page_refuses_unknown_versions_and_keeps_the_choice(world, client_http):
    add_version(world.client_a, world.clinician_a, "clinician", history="A.")
    response = client_http.get(reverse("my_formulation_changes") + "?old=0&new=7")
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content


def test_a_saved_version_can_never_be_changed(world):
    version = add_version(world.client_a, world.clinician_a, "clinician", history="Kept.")
    version.history = "Rewritten"
    with pytest.raises(ValueError, match="never changed"):
        version.save()


def test_the_pages_take_the_same_few_queries_however_long_the_history(
    world, clinician_http, django_assert_max_num_queries
):
    from tending.testing.formulation_records import add_link, practice_homework

    for number in range(30):
        add_version(world.client_a, world.clinician_a, "clinician", history=f"Draft {number}.")
    for key in ("soothing-rhythm-breathing", "safe-place", "body-scan"):
        homework = practice_homework(world.client_a, world.clinician_a, key)
        for part in PART_KEYS:
            add_link(world.client_a, part, homework, world.clinician_a)
    client_id = world.client_a.public_id
    for name in (
        "client_formulation",
        "client_formulation_history",
        "client_formulation_changes",
        "client_formulation_edit",
    ):
        with django_assert_max_num_queries(11):
            assert clinician_http.get(reverse(name, args=[client_id])).status_code == 200
