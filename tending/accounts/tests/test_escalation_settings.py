"""An admin chooses who is told about risk alerts nobody acknowledges, and after how long."""

from __future__ import annotations

import re

from django.urls import reverse

from tending.accounts.models import Membership
from tending.audit.models import AuditEvent
from tending.testing.personas import make_staff, sign_in

NOT_ESCALATED = "Risk answers nobody responds to are not escalated."


def settings_form(world, *, hours="24", cover=()):
    return {
        "name": world.org_a.name,
        "crisis_message": "",
        "escalation_hours": hours,
        "cover_clinicians": [str(person.public_id) for person in cover],
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "12",
    }


def test_it_warns_while_nobody_is_named_and_offers_only_active_clinicians(world, http):
    gone = make_staff(world.org_a, Membership.Role.CLINICIAN, "gone")
    gone.is_active = False
    gone.save()
    sign_in(http, world.admin_a)
    page = http.get(reverse("organisation_settings")).content.decode()
    assert NOT_ESCALATED in page
    assert "clinical-governance decisions" in page
    assert 'value="24"' in page  # the suggested default
    for offered in (world.clinician_a, world.clinician_a2):
        assert f'value="{offered.public_id}"' in page
    for refused in (world.admin_a, world.clinician_b, gone):
        assert str(refused.public_id) not in page


def test_an_admin_names_cover_and_the_warning_goes(world, http):
    sign_in(http, world.admin_a)
    response = http.post(
        reverse("organisation_settings"),
        settings_form(world, hours="12", cover=[world.clinician_a2]),
    )
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert world.org_a.escalation_hours == 12
    assert list(world.org_a.cover_clinicians.all()) == [world.clinician_a2]
    page = http.get(reverse("organisation_settings")).content.decode()
    assert NOT_ESCALATED not in page
    assert 'value="12"' in page
    assert re.search(rf'value="{world.clinician_a2.public_id}"[^>]*checked', page)
    assert not re.search(rf'value="{world.clinician_a.public_id}"[^>]*checked', page)
    event = AuditEvent.objects.get(action="organisation.escalation_updated")
    assert event.detail == {"hours": 12, "cover": [str(world.clinician_a2.public_id)]}


def test_the_hours_must_be_a_whole_number_from_1_to_72(world, http):
    sign_in(http, world.admin_a)
    for hours, message in (
        ("0", "Choose at least 1 hour."),
        ("73", "Choose at most 72 hours"),
        ("", "Give a number of hours from 1 to 72."),
        ("a day", "Give a whole number of hours."),
    ):
        response = http.post(reverse("organisation_settings"), settings_form(world, hours=hours))
        assert response.status_code == 400, hours
        assert message in response.content.decode()
    world.org_a.refresh_from_db()
    assert world.org_a.escalation_hours == 24


def test_a_member_of_another_organisation_is_refused(world, http):
    sign_in(http, world.admin_a)
    response = http.post(
        reverse("organisation_settings"),
        settings_form(world, cover=[world.clinician_a2, world.clinician_b]),
    )
    assert response.status_code == 400
    assert "Choose clinicians of your own organisation" in response.content.decode()
    assert not world.org_a.cover_clinicians.exists()


def test_the_warning_returns_when_the_only_cover_person_is_deactivated(world, http):
    world.org_a.cover_clinicians.set([world.clinician_a2])
    sign_in(http, world.admin_a)
    assert NOT_ESCALATED not in http.get(reverse("organisation_settings")).content.decode()
    world.clinician_a2.is_active = False
    world.clinician_a2.save()
    assert NOT_ESCALATED in http.get(reverse("organisation_settings")).content.decode()


def test_clearing_every_name_turns_escalation_off(world, http):
    world.org_a.cover_clinicians.set([world.clinician_a2])
    sign_in(http, world.admin_a)
    assert http.post(reverse("organisation_settings"), settings_form(world)).status_code == 302
    assert not world.org_a.cover_clinicians.exists()
    assert NOT_ESCALATED in http.get(reverse("organisation_settings")).content.decode()
