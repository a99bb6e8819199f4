"""A clinician records a session by layer and lever, signs it, and adds an addendum; then
writes in their private development space."""

from __future__ import annotations

import re

import pytest

from tests.browser.journeys import sign_in
from tests.conftest import DEMO_PASSWORD, DEMO_TOTP_SECRET

pytestmark = pytest.mark.browser

# A clinician of their own (each staff sign-in code works once), with one client who
# practised twice this week.
SETUP = f"""
import base64, uuid
from datetime import timedelta
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from tending.accounts.models import ClientProfile, Membership, Organisation, User
from tending.practices.models import Practice, PracticeLog

organisation = Organisation.objects.get(name="Riverside Compassion Clinic")
priya = User.objects.create_user(
    "priya.nair@riverside.example", {DEMO_PASSWORD!r}, name="Priya Nair"
)
Membership.objects.create(user=priya, organisation=organisation, role="clinician")
TOTPDevice.objects.create(
    user=priya, name="Phone", confirmed=True, key=base64.b32decode({DEMO_TOTP_SECRET!r}).hex()
)
client = ClientProfile.objects.create(
    organisation=organisation, primary_clinician=priya, name="Hana Obi",
    email="hana@clients.riverside.example",
)
breathing = Practice.objects.get(key="soothing-rhythm-breathing", organisation=None)
for days in (2, 4):
    started = timezone.now() - timedelta(days=days)
    PracticeLog.objects.create(
        client=client, token=uuid.uuid4(), practice=breathing, practice_version=1,
        started_at=started, ended_at=started + timedelta(minutes=6), outcome="completed",
        seconds_practised=360, feeling="settling",
    )
"""


def test_a_clinician_records_signs_and_adds_to_a_session_note(
    new_page, server, check_accessibility
):
    check = check_accessibility
    server.shell(SETUP)
    page = new_page()
    sign_in(page, "priya.nair@riverside.example", code=True)
    page.wait_for_url("**/dashboard/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
    page.get_by_role("link", name="Hana Obi").click()
    page.get_by_role("link", name="Session notes").click()
    page.wait_for_url(re.compile(r".*/clients/[0-9a-f-]{36}/sessions/$"))
    check(page)
    page.get_by_role("link", name="Record a session").click()
    check(page)

    page.get_by_label("Start time (optional)").fill("10:00")
    page.get_by_label("Video").check()
    relationship = page.get_by_role("group", name="1. Therapeutic relationship", exact=True)
    relationship.get_by_label("Support: safeness, and helping realisations land").check()
    relationship.get_by_label("Model: your own compassionate presence and manner").check()
    relationship.get_by_label("Notes on the therapeutic relationship").fill(
        "Hana arrived tense; we slowed down and she settled."
    )
    practices = page.get_by_role("group", name="4. Compassion practices", exact=True)
    practices.get_by_label("Train: practising a compassion skill together").check()
    practices.get_by_label("Notes on compassion practices").fill(
        "Breathing together for 3 minutes."
    )
    page.get_by_label("Soothing rhythm breathing (layer 4)").check()
    page.get_by_label("Summary and plan").fill("Keep the breathing; next time, the three circles.")
    # Risk review left unanswered: the form explains and keeps every word.
    page.get_by_role("button", name="Save draft").click()
    assert page.get_by_text("Please check the answer marked below.").is_visible()
    assert relationship.get_by_label("Notes on the therapeutic relationship").input_value() == (
        "Hana arrived tense; we slowed down and she settled."
    )
    check(page)
    page.get_by_role("group", name="Was risk reviewed in this session?").get_by_label("No").check()
    page.get_by_role("button", name="Save draft").click()

    page.wait_for_url(re.compile(r".*/sessions/[0-9a-f-]{36}/$"))
    assert page.get_by_text("Session note saved as a draft.").is_visible()
    layer = page.get_by_role("region", name="1. Therapeutic relationship")
    assert "Support" in layer.text_content() and "Model" in layer.text_content()
    between = page.get_by_role("region", name="Between sessions", exact=True)
    assert "2 times, 12 minutes in all." in between.text_content()
    check(page)

    page.get_by_role("link", name="Sign and lock").click()
    assert page.get_by_text("Signing locks the note").is_visible()
    check(page)
    page.get_by_role("button", name="Sign and lock").click()
    page.wait_for_url(re.compile(r".*/sessions/[0-9a-f-]{36}/$"))
    assert page.get_by_text("Signed. The note is now locked").is_visible()
    assert page.get_by_role("link", name="Edit draft").count() == 0
    detail = page.url

    # The edit address refuses, and says why.
    response = page.goto(detail + "edit/")
    assert response.status == 409
    assert page.get_by_role("heading", name="This note is signed").is_visible()
    page.get_by_role("link", name="Go to the signed note and its addenda").click()

    page.get_by_label("Addendum").fill("Hana emailed: the breathing helped before work.")
    page.get_by_role("button", name="Add addendum").click()
    assert page.get_by_text("Addendum added.").is_visible()
    addenda = page.get_by_role("region", name="Addenda")
    assert "the breathing helped before work" in addenda.text_content()
    check(page)
    page.emulate_media(color_scheme="dark")
    check(page)

    page.get_by_role("link", name="Back to Hana Obi's sessions").click()
    row = page.get_by_role("region", name="Sessions, newest first").get_by_role("row").nth(1)
    assert "1. Relationship (Support, Model)" in row.text_content()
    assert "Signed" in row.text_content() and "+ 1 addendum" in row.text_content()
    check(page)


def test_a_clinician_keeps_a_private_development_log(new_page, server, check_accessibility):
    check = check_accessibility
    server.shell(
        SETUP.replace("priya", "pia").replace("Priya Nair", "Pia Lund").split("client =")[0]
    )
    page = new_page()
    sign_in(page, "pia.nair@riverside.example", code=True)
    page.wait_for_url("**/dashboard/")
    page.goto("/development/")
    assert page.get_by_role("heading", name="My development").is_visible()
    check(page)

    page.get_by_role("combobox", name="Practice").select_option(label="Soothing rhythm breathing")
    page.get_by_role("spinbutton", name="Minutes").fill("10")
    page.get_by_role("button", name="Log my practice").click()
    assert page.get_by_text("Your practice is logged.").is_visible()

    page.get_by_role("link", name=re.compile("^What did I notice in myself")).click()
    page.get_by_label("Your reflection").fill("A pull to fix things quickly; I stayed with it.")
    page.get_by_role("button", name="Save reflection").click()
    assert page.get_by_text("Only you can read it.").is_visible()
    assert page.get_by_text("A pull to fix things quickly").is_visible()
    page.set_viewport_size({"width": 360, "height": 780})
    check(page)
