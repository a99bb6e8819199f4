"""A client reads a module, writes a compassionate letter on a phone and shares it; their
clinician reads it and replies; the client sees the reply. Each page checked with axe-core."""

from __future__ import annotations

import re

import pytest

from tests.browser.journeys import sign_in
from tests.conftest import DEMO_PASSWORD, DEMO_TOTP_SECRET

pytestmark = pytest.mark.browser

# A clinician of their own (each staff sign-in code works once) and one client of theirs.
SETUP = f"""
import base64
from django_otp.plugins.otp_totp.models import TOTPDevice
from tending.accounts.models import ClientProfile, Membership, Organisation, User

organisation = Organisation.objects.get(name="Riverside Compassion Clinic")
jonah = User.objects.create_user("jonah@riverside.example", {DEMO_PASSWORD!r}, name="Jonah Reyes")
Membership.objects.create(user=jonah, organisation=organisation, role="clinician")
TOTPDevice.objects.create(
    user=jonah, name="Phone", confirmed=True, key=base64.b32decode({DEMO_TOTP_SECRET!r}).hex()
)
nell = User.objects.create_user(
    "nell@clients.riverside.example", {DEMO_PASSWORD!r}, name="Nell Ashby"
)
ClientProfile.objects.create(
    organisation=organisation, primary_clinician=jonah, user=nell, name="Nell Ashby",
    email="nell@clients.riverside.example",
)
"""
STEPS = {
    "What would you like this letter to do?": "I am writing to you because the week was hard.",
    "What has been difficult?": "You snapped at your sister and felt awful afterwards.",
    "What makes your feelings understandable?": (
        "It makes sense that you feel guilty because you care about her."
    ),
    "How has your mind tried to protect you, and why is that understandable?": (
        "Snapping was your threat system trying to protect you when you were exhausted."
    ),
    "What would you like to say with warmth, and what might help next?": (
        "You are allowed to be tired. Maybe call her on Sunday."
    ),
}


def test_a_client_writes_a_letter_shares_it_and_reads_the_clinicians_reply(
    new_page, server, check_accessibility
):
    check = check_accessibility
    server.shell(SETUP)
    client = new_page(mobile=True)
    sign_in(client, "nell@clients.riverside.example")
    client.wait_for_url("**/today/")

    # A "not my fault" module first: read on a phone, the questions at the end.
    client.goto("/understanding/")
    check(client)
    client.get_by_role("link", name="The tricky brain").click()
    assert client.get_by_role("heading", name="How the loops start").is_visible()
    assert client.get_by_label("Given that, what might help?").is_visible()
    check(client)

    client.goto("/journal/")
    assert client.get_by_role("heading", name="Your journal").is_visible()
    check(client)
    client.get_by_role("link", name="Write a compassionate letter").click()
    check(client)
    client.get_by_role("button", name="Begin").click()
    client.wait_for_url(re.compile(r".*/step/1/$"))
    assert client.get_by_role("heading", name="Settle first").is_visible()
    check(client)
    client.get_by_role("button", name="I am ready to write").click()

    for number, (label, text) in enumerate(STEPS.items(), start=2):
        client.wait_for_url(re.compile(rf".*/step/{number}/$"))
        box = client.get_by_label(label)
        box.fill(text)
        if number == 3:
            check(client)
        if number == 4:
            # With JavaScript the words are kept as they are typed, before any button.
            client.get_by_text("Draft saved.").wait_for()
            client.reload()
            assert client.get_by_label(label).input_value() == text
        client.get_by_role("button", name="Save and go on").click()

    client.wait_for_url(re.compile(r".*/step/7/$"))
    letter = client.locator(".letter")
    for text in STEPS.values():
        assert text in letter.text_content()
    check(client)
    client.get_by_role("button", name="Keep this letter").click()
    assert client.get_by_text("Only you can see this.").is_visible()
    client.get_by_role("button", name="Share with your therapist").click()
    assert client.get_by_role("heading", name="Shared with your therapist").is_visible()
    check(client)

    clinician = new_page()
    sign_in(clinician, "jonah@riverside.example", code=True)
    clinician.wait_for_url("**/dashboard/")
    clinician.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
    clinician.get_by_role("link", name="Nell Ashby", exact=True).click()
    clinician.get_by_role("link", name="Shared journal entries").click()
    check(clinician)
    clinician.get_by_role("link", name="Compassionate letter").click()
    assert STEPS["What has been difficult?"] in clinician.locator(".letter").text_content()
    check(clinician)
    clinician.get_by_label("Warmth").check()
    clinician.get_by_label("Your note").fill(
        "'You are allowed to be tired' is such a kind thing to say to yourself."
    )
    clinician.get_by_role("button", name="Send reply").click()
    assert clinician.get_by_text("Reply sent.").is_visible()
    check(clinician)

    client.reload()
    replies = client.get_by_role("region", name="From your therapist")
    assert "such a kind thing to say to yourself" in replies.text_content()
    assert "Noticed: Warmth" in replies.text_content()
    client.emulate_media(color_scheme="dark")
    check(client)
    assert client.console_errors == [] and clinician.console_errors == []
