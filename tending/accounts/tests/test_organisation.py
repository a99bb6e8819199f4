from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tending.accounts.models import CrisisContact
from tending.audit.models import AuditEvent
from tending.testing.personas import sign_in


def contacts_form(*rows, message="If you are in danger, call 999.", name="Org CANARY-org_a"):
    data = {
        "name": name,
        "crisis_message": message,
        "contacts-TOTAL_FORMS": str(len(rows)),
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "12",
    }
    for index, (contact_name, phone, text) in enumerate(rows):
        data |= {
            f"contacts-{index}-name": contact_name,
            f"contacts-{index}-phone": phone,
            f"contacts-{index}-text_number": text,
            f"contacts-{index}-description": "",
        }
    return data


def test_clients_see_the_crisis_contacts_on_every_page(world, http):
    admin = sign_in(Client(), world.admin_a)
    response = admin.post(
        reverse("organisation_settings"),
        contacts_form(("Samaritans", "116 123", ""), ("Shout", "", "85258"), ("", "", "")),
    )
    assert response["Location"] == reverse("organisation_settings")
    assert list(world.org_a.crisis_contacts.values_list("name", "position")) == [
        ("Samaritans", 0),
        ("Shout", 1),
    ]

    sign_in(http, world.client_a.user)
    for url in (reverse("today"), reverse("account_settings"), reverse("help")):
        page = http.get(url).content.decode()
        assert "Need help now?" in page
        assert 'href="tel:116123"' in page
        assert 'href="sms:85258"' in page
        # The emergency number in the organisation's message is a tap-to-call link too.
        assert 'If you are in danger, call <a href="tel:999" class="tel">999</a>.' in page
    assert AuditEvent.objects.filter(action="organisation.updated").count() == 1


def test_other_organisations_clients_do_not_see_these_contacts(world, http):
    CrisisContact.objects.create(organisation=world.org_a, name="Line A", phone="111")
    sign_in(http, world.client_other.user)
    assert b"Line A" not in http.get(reverse("today")).content


def test_a_contact_without_any_number_is_explained_and_the_typing_kept(world, http):
    sign_in(http, world.admin_a)
    response = http.post(
        reverse("organisation_settings"),
        contacts_form(("Night line", "", ""), message="Typed message stays"),
    )
    assert response.status_code == 400
    assert b"Give a phone number, a text number or both." in response.content
    assert b'value="Night line"' in response.content
    assert b"Typed message stays" in response.content
    assert not CrisisContact.objects.exists()


def test_an_admin_removes_a_contact(world, http):
    contact = CrisisContact.objects.create(organisation=world.org_a, name="Old line", phone="123")
    sign_in(http, world.admin_a)
    data = contacts_form(("Old line", "123", ""))
    data |= {
        "contacts-INITIAL_FORMS": "1",
        "contacts-0-id": str(contact.pk),
        "contacts-0-DELETE": "on",
    }
    assert http.post(reverse("organisation_settings"), data).status_code == 302
    assert not CrisisContact.objects.exists()


def test_everyone_can_reach_general_help_without_signing_in(http):
    page = http.get(reverse("help"))
    assert page.status_code == 200
    assert b"call your local emergency number" in page.content


def test_deactivating_a_member_ends_their_access(world, http):
    departing = world.clinician_a2
    departing.caseload.all().delete()
    their_browser = sign_in(Client(), departing)
    assert their_browser.get(reverse("caseload")).status_code == 200

    sign_in(http, world.admin_a)
    response = http.post(reverse("member_deactivate", args=[departing.public_id]))
    assert response["Location"] == reverse("members")
    departing.refresh_from_db()
    assert not departing.is_active
    assert their_browser.get(reverse("caseload"))["Location"].startswith("/sign-in/")


def test_a_clinician_with_clients_cannot_be_deactivated(world, http):
    sign_in(http, world.admin_a)
    http.post(reverse("member_deactivate", args=[world.clinician_a.public_id]))
    world.clinician_a.refresh_from_db()
    assert world.clinician_a.is_active
    page = http.get(reverse("members"))
    assert b"still has clients on their caseload" in page.content


def test_an_admin_cannot_see_client_records(world, http):
    sign_in(http, world.admin_a)
    response = http.get(reverse("client_detail", args=[world.client_a.public_id]))
    assert response.status_code == 404
    assert b"CANARY-client_a" not in response.content


def test_a_double_submitted_contact_is_saved_once(world, http):
    sign_in(http, world.admin_a)
    data = contacts_form(("Samaritans", "116 123", ""))
    http.post(reverse("organisation_settings"), data)
    http.post(reverse("organisation_settings"), data)
    assert world.org_a.crisis_contacts.count() == 1


def test_an_organisation_name_must_be_one_line(world, http):
    sign_in(http, world.admin_a)
    response = http.post(
        reverse("organisation_settings"), contacts_form(name="Clinic\nBcc: x@example.org")
    )
    assert response.status_code == 400
    assert b"Use one line" in response.content
    world.org_a.refresh_from_db()
    assert world.org_a.name == "Org CANARY-org_a"


def test_an_admin_is_warned_while_clients_have_no_crisis_service_to_call(world, http):
    # Hazard H-023: a new organisation starts with no crisis contacts.
    sign_in(http, world.admin_a)
    warning = "Clients see no crisis services yet."
    assert warning in http.get(reverse("organisation_settings")).content.decode()

    CrisisContact.objects.create(organisation=world.org_a, name="Night line", phone="116 123")

    assert warning not in http.get(reverse("organisation_settings")).content.decode()
