"""A client's contact details: the client and their primary clinician read and change them,
nobody else; numbers are checked and stored as E.164, a refused number keeps what was typed,
a form sent twice saves once, and an edit that started before someone else's save is
refused without losing a word. Every look and every change is audited, never the values."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tending.audit.models import AuditEvent
from tending.safety.episodes import escalate_waiting_episodes
from tending.safety.models import ContactDetails, RiskEpisode
from tending.testing.measure_records import answer_phq9
from tending.testing.personas import make_staff, sign_in

MINE = reverse("my_contact_details")
GOOD = {
    "mobile": "07400 123456",
    "other_phone": "020 7946 0018",
    "preferred_times": "Weekday evenings after 6",
    "emergency_name": "Ciara Doyle",
    "emergency_relationship": "Sister",
    "emergency_phone": "+1 202 555 0143",
}


def clinician_url(world) -> str:
    return reverse("client_contact_details", args=[world.client_a.public_id])


def form_of(page: str) -> dict[str, str]:
    """The hidden fields and every box's value, as a browser would send them back."""
    values = {}
    for name, value in re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page):
        values[name] = unescape(value)
    for name, value in re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>\n?(.*?)</textarea>', page):
        values[name] = unescape(value)
    values.pop("csrfmiddlewaretoken", None)
    return values


def opened(http, url: str) -> dict[str, str]:
    response = http.get(url)
    assert response.status_code == 200
    return form_of(response.content.decode())


def details(world) -> ContactDetails:
    return ContactDetails.objects.get(client=world.client_a)


def events(world, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, client_id=world.client_a.public_id))


def test_a_client_saves_their_numbers_as_e164_encrypted_and_audited(world, http):
    sign_in(http, world.client_a.user)
    form = opened(http, MINE)
    assert form["version"] == "0"

    response = http.post(MINE, form | GOOD, follow=True)

    assert response.redirect_chain == [(MINE, 302)]
    page = response.content.decode()
    assert "Saved. Thank you: your therapist can see these details now." in page
    assert 'value="07400 123456"' in page  # shown back as people write it
    assert "Last changed" in page and "by you" in page
    saved = details(world)
    assert saved.mobile == "+447400123456"
    assert saved.other_phone == "+442079460018"
    assert saved.emergency_phone == "+12025550143"
    assert saved.emergency_name == "Ciara Doyle"
    assert saved.version == 1
    assert saved.updated_by == world.client_a.user
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mobile, emergency_name FROM safety_contactdetails WHERE id = %s", [saved.pk]
        )
        raw = " ".join(cursor.fetchone())
    assert "7400123456" not in raw and "Ciara" not in raw  # encrypted at rest
    [event] = events(world, "contact_details.saved")
    assert event.target_id == str(saved.public_id)
    assert event.actor_id == world.client_a.user.public_id
    assert event.detail["changed"] == list(GOOD)
    assert "Ciara" not in str(event.detail) and "7400" not in str(event.detail)
    assert len(events(world, "contact_details.viewed")) == 2  # the form, and after saving


def test_an_invalid_number_gets_a_clear_message_and_keeps_everything_typed(world, http):
    sign_in(http, world.client_a.user)
    typed = GOOD | {"mobile": "07400 12345 oops", "emergency_phone": "0121 4"}

    response = http.post(MINE, opened(http, MINE) | typed)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Use digits only (spaces, dashes and brackets are fine), with + before a" in page
    assert "This number looks too short." in page
    assert "Please check the answers marked below." in page
    kept = form_of(page)
    for name, value in typed.items():
        assert kept[name] == value, name
    assert not ContactDetails.objects.filter(client=world.client_a).exists()
    assert events(world, "contact_details.saved") == []

    # Fixed, the same form saves.
    fixed = {"mobile": "07400 123456", "emergency_phone": "0121 496 0000"}
    response = http.post(MINE, kept | fixed)
    assert response.status_code == 302
    assert details(world).emergency_phone == "+441214960000"


def test_an_emergency_contact_needs_both_a_name_and_a_number(world, http):
    sign_in(http, world.client_a.user)
    form = opened(http, MINE)
    page = http.post(MINE, form | {"emergency_name": "Ciara"}).content.decode()
    assert "Add their phone number, or leave their name empty." in page
    page = http.post(MINE, form | {"emergency_phone": "020 7946 0018"}).content.decode()
    assert "Add their name" in page
    assert not ContactDetails.objects.filter(client=world.client_a).exists()


def test_every_box_is_optional(world, http):
    sign_in(http, world.client_a.user)
    response = http.post(MINE, opened(http, MINE) | {"mobile": "07400 123456"})
    assert response.status_code == 302
    assert details(world).values() == {
        "mobile": "+447400123456",
        "other_phone": "",
        "preferred_times": "",
        "emergency_name": "",
        "emergency_relationship": "",
        "emergency_phone": "",
    }


def test_the_same_form_sent_twice_saves_once(world, http):
    sign_in(http, world.client_a.user)
    form = opened(http, MINE) | GOOD
    first = http.post(MINE, form)
    again = http.post(MINE, form)  # a double tap, or a retry on a flaky connection

    assert first.status_code == again.status_code == 302
    assert details(world).version == 1
    assert len(events(world, "contact_details.saved")) == 1


def test_an_edit_started_before_someone_elses_save_is_refused_keeping_what_was_typed(world, http):
    sign_in(http, world.client_a.user)
    client_form = opened(http, MINE)
    clinician = sign_in(type(http)(), world.clinician_a)
    clinician.post(clinician_url(world), opened(clinician, clinician_url(world)) | GOOD)
    assert details(world).version == 1

    mine = client_form | {"mobile": "07400 654321", "preferred_times": "Mornings"}
    response = http.post(MINE, mine)

    assert response.status_code == 409
    page = response.content.decode()
    assert "These details were changed while you had this page open" in page
    assert "What you typed is still in the boxes below." in page
    assert "The details as they are now" in page
    assert "Weekday evenings after 6" in page  # the clinician's save, to compare
    kept = form_of(page)
    assert kept["mobile"] == "07400 654321"
    assert kept["preferred_times"] == "Mornings"
    assert kept["version"] == "1"  # now based on the latest save
    assert details(world).mobile == "+447400123456"  # nothing overwritten

    # Sent again from the refreshed form, it saves.
    assert http.post(MINE, kept).status_code == 302
    assert details(world).mobile == "+447400654321"
    assert details(world).version == 2


def test_the_primary_clinician_reads_and_changes_the_details(world, http):
    ContactDetails.objects.create(client=world.client_a, mobile="+447400123456", version=1)
    sign_in(http, world.clinician_a)
    url = clinician_url(world)
    page = http.get(url).content.decode()
    assert '<a class="contact-facts__phone" href="tel:+447400123456">07400 123456</a>' in page

    response = http.post(url, form_of(page) | {"other_phone": "020 7946 0018"}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert "can see these details on their account page" in response.content.decode()
    saved = details(world)
    assert saved.other_phone == "+442079460018"
    assert saved.updated_by == world.clinician_a
    [event] = events(world, "contact_details.saved")
    assert event.detail == {"version": 2, "changed": ["other_phone"], "by": "clinician"}
    # The client sees who changed them.
    sign_in(http, world.client_a.user)
    assert f"by {world.clinician_a.name}" in http.get(MINE).content.decode()


def test_a_number_already_saved_is_not_refused_when_the_form_is_saved_again(world, http):
    # 07700 900123 is in Ofcom's range for drama: stored before, not valid for the library.
    ContactDetails.objects.create(client=world.client_a, mobile="+447700900123", version=1)
    sign_in(http, world.client_a.user)
    form = opened(http, MINE)
    assert form["mobile"] == "07700 900123"

    response = http.post(MINE, form | {"preferred_times": "Mornings"})

    assert response.status_code == 302
    assert details(world).mobile == "+447700900123"
    assert details(world).preferred_times == "Mornings"
    page = http.post(MINE, form | {"version": "2", "mobile": "07700 900124"}).content.decode()
    assert "This is not a number a phone can call." in page  # a new one is checked


@pytest.mark.parametrize("persona", ["clinician_a2", "clinician_b", "admin_a", "client_b"])
def test_nobody_else_reaches_the_clinicians_page(world, http, persona):
    ContactDetails.objects.create(client=world.client_a, mobile="+447400123456")
    sign_in(http, world.persona(persona))
    url = clinician_url(world)
    for response in (http.get(url), http.post(url, GOOD | {"version": "0", "token": uuid.uuid4()})):
        assert response.status_code == 404
        assert "123456" not in response.content.decode()
    assert details(world).version == 0
    assert events(world, "contact_details.viewed") == []


def test_a_cover_clinician_uses_the_risk_episode_page_not_this_one(
    world, http, django_capture_on_commit_callbacks
):
    ContactDetails.objects.create(client=world.client_a, mobile="+447400123456")
    cover = make_staff(world.org_a, "clinician", "clinician_cover")
    world.org_a.cover_clinicians.set([cover])
    sign_in(http, cover)
    url = clinician_url(world)
    with django_capture_on_commit_callbacks(execute=True):
        answer_phq9(world)
    episode = RiskEpisode.objects.get(client=world.client_a)
    assert http.get(url).status_code == 404  # an open episode not escalated to them
    assert http.get(episode.get_absolute_url()).status_code == 404

    assert escalate_waiting_episodes(timezone.now() + timedelta(hours=25)) == 1
    page = http.get(episode.get_absolute_url()).content.decode()
    assert 'href="tel:+447400123456"' in page  # theirs to handle: they can call
    assert "Change contact details" not in page
    assert http.get(url).status_code == 404  # but not the page that changes them


def test_the_episode_page_links_the_primary_clinician_to_the_details(world, http):
    ContactDetails.objects.create(client=world.client_a, mobile="+447400123456")
    answer_phq9(world)
    sign_in(http, world.clinician_a)
    page = http.get(RiskEpisode.objects.get(client=world.client_a).get_absolute_url())
    html = page.content.decode()
    assert f'href="{clinician_url(world)}">Change contact details</a>' in html
    assert '<a class="contact-facts__phone" href="tel:+447400123456">07400 123456</a>' in html


def test_the_client_finds_the_page_from_their_account_and_the_clinician_from_the_record(
    world, http
):
    sign_in(http, world.client_a.user)
    assert f'href="{MINE}"' in http.get(reverse("account_settings")).content.decode()
    sign_in(http, world.clinician_a)
    record = http.get(reverse("client_detail", args=[world.client_a.public_id]))
    assert f'href="{clinician_url(world)}"' in record.content.decode()
