"""A clinician replies to what is shared with them, shaping what was compassionate in it."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from tending.audit.models import AuditEvent
from tending.journal.models import Reply
from tending.journal.services import NotShared, add_reply, set_shared
from tending.testing.journal_records import make_entry
from tending.testing.personas import sign_in

LETTER = {
    "why": "I am writing because I was hard on myself.",
    "validate": "It makes sense that you feel low because the week was long.",
    "warmth": "You are doing your best.",
}


@pytest.fixture
def letter(world):
    return make_entry(world.client_a, kind="letter", title="Monday", texts=LETTER, shared=True)


def _reply(http: Client, entry, **fields):
    data = {"token": str(uuid.uuid4()), "body": "Warm words.", "noticed": ["warmth"]} | fields
    return http.post(reverse("journal_reply", args=[entry.public_id]), data)


def test_a_clinician_reads_a_shared_letter_and_replies_and_the_client_sees_it(world, http, letter):
    sign_in(http, world.clinician_a)
    listing = http.get(reverse("client_journal", args=[world.client_a.public_id]))
    assert b"Monday" in listing.content and b"Compassionate letter" in listing.content
    page = http.get(reverse("shared_journal_entry", args=[letter.public_id]))
    assert page.status_code == 200
    for text in LETTER.values():
        assert text.encode() in page.content
    assert b"Point out what was compassionate in it" in page.content
    assert b"Wise ideas for action" in page.content
    assert AuditEvent.objects.filter(action="journal.shared_entry_viewed").exists()

    response = _reply(
        http,
        letter,
        body="I noticed the kindness in 'doing your best'.",
        noticed=["warmth", "wise_action"],
    )
    assert response["Location"] == reverse("shared_journal_entry", args=[letter.public_id])
    reply = Reply.objects.get()
    assert (reply.author, reply.noticed) == (world.clinician_a, ["warmth", "wise_action"])
    event = AuditEvent.objects.get(action="journal.reply_created")
    assert event.detail == {"entry": str(letter.public_id), "noticed": ["warmth", "wise_action"]}

    client = sign_in(Client(), world.client_a.user)
    own = client.get(letter.get_absolute_url()).content
    assert b"From your therapist" in own
    assert b"I noticed the kindness in &#x27;doing your best&#x27;." in own
    assert b"Noticed: Warmth, Wise ideas for action" in own
    assert b"1 reply" in client.get(reverse("journal")).content


def test_the_same_reply_sent_twice_is_stored_once(world, http, letter):
    sign_in(http, world.clinician_a)
    token = str(uuid.uuid4())
    _reply(http, letter, token=token)
    _reply(http, letter, token=token, body="a retry must not add a second reply")
    assert Reply.objects.get().body == "Warm words."


def test_a_reply_without_words_is_explained_and_the_ticks_kept(world, http, letter):
    sign_in(http, world.clinician_a)
    response = _reply(http, letter, body=" ", noticed=["understanding"])
    assert response.status_code == 400
    assert b"This field is required." in response.content
    assert b'value="understanding" id="id_noticed_1" checked' in response.content
    assert not Reply.objects.exists()


def test_only_the_clients_own_clinician_replies_and_only_while_it_is_shared(world, letter):
    for persona in ("clinician_a2", "clinician_b", "admin_a", "client_a", "client_b"):
        response = _reply(sign_in(Client(), world.persona(persona)), letter)
        assert response.status_code == 404, persona
    private = make_entry(world.client_a, title="Private")
    assert _reply(sign_in(Client(), world.clinician_a), private).status_code == 404
    assert not Reply.objects.exists()


def test_a_reply_racing_an_unshare_is_refused(world, letter):
    request = RequestFactory().post("/")
    request.user = world.clinician_a
    set_shared(request=request, entry=letter, shared=False)
    with pytest.raises(NotShared):
        add_reply(
            request=request,
            entry=letter,  # fetched while it was still shared
            author=world.clinician_a,
            token=uuid.uuid4(),
            body="Too late.",
            noticed=[],
        )
    assert not Reply.objects.exists()


def test_the_shared_entry_page_costs_a_fixed_number_of_queries(
    world, http, letter, django_assert_max_num_queries
):
    sign_in(http, world.clinician_a)
    for _ in range(5):
        _reply(http, letter)
    with django_assert_max_num_queries(14):
        http.get(reverse("shared_journal_entry", args=[letter.public_id]))
