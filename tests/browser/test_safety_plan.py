"""A client writes their safety plan on a phone, reads it, and opens it from "Need help now?";
their clinician reads it at a desk and marks it reviewed."""

from __future__ import annotations

import pytest

from tests.browser.journeys import sign_in
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "rowan@clients.riverside.example"
# A client of their own, so no other journey's edits meet this one.
SETUP = f"""
from tending.accounts.models import ClientProfile, Organisation, User
organisation = Organisation.objects.get(name="Riverside Compassion Clinic")
asha = User.objects.get(email="asha@riverside.example")
rowan = User.objects.create_user({EMAIL!r}, {DEMO_PASSWORD!r}, name="Rowan Ellis")
ClientProfile.objects.create(
    organisation=organisation, primary_clinician=asha, user=rowan, name="Rowan Ellis",
    email={EMAIL!r},
)
"""


def test_a_client_writes_their_safety_plan_on_a_phone_and_opens_it_when_they_need_help(
    server, new_page, check_accessibility
):
    server.shell(SETUP)
    page = new_page(mobile=True)
    sign_in(page, EMAIL)
    page.wait_for_url("**/today/")

    page.get_by_role("link", name="My safety plan").click()
    page.wait_for_url("**/my/safety-plan/")
    assert page.get_by_role("heading", name="Your safety plan", level=1).is_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Start your plan").click()
    page.wait_for_url("**/my/safety-plan/edit/")
    # The service's crisis numbers are there to start with.
    professionals = page.get_by_label("Professionals and services I can contact")
    assert "Samaritans" in professionals.input_value()
    check_accessibility(page)
    page.get_by_label("Signs that a hard time is starting").fill("Lying awake past 2am.")
    page.get_by_label("People I can ask for help").fill("My brother Sam 020 7946 0018")
    page.get_by_label("What my compassionate self would say to me now").fill(
        "This is hard, and it will pass."
    )
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/my/safety-plan/")
    assert page.get_by_text("Saved as version 1.").is_visible()
    call = page.get_by_role("link", name="020 7946 0018")
    assert call.get_attribute("href") == "tel:+442079460018"
    check_accessibility(page)

    # At a hard moment, from any page: Need help now?, then the plan.
    page.goto("/journal/")
    page.get_by_text("Need help now?").click()
    page.get_by_role("link", name="Open my safety plan").click()
    page.wait_for_url("**/my/safety-plan/")
    assert page.get_by_text("Lying awake past 2am.").is_visible()

    page.goto("/help/")
    assert page.get_by_role("heading", name="Your safety plan").is_visible()
    assert page.get_by_role("link", name="020 7946 0018").is_visible()
    check_accessibility(page)

    dark = new_page(mobile=True, dark=True)
    sign_in(dark, EMAIL)
    dark.goto("/my/safety-plan/")
    check_accessibility(dark)

    desk = new_page()
    sign_in(desk, "asha@riverside.example", code=True)
    desk.goto("/caseload/")
    desk.get_by_role("link", name="Rowan Ellis").first.click()
    desk.get_by_role("link", name="Safety plan").click()
    assert desk.get_by_text("This is hard, and it will pass.").is_visible()
    check_accessibility(desk)
    desk.get_by_role("button", name="Mark version 1 reviewed").click()
    assert desk.get_by_text("Marked reviewed.").is_visible()
    assert desk.get_by_text("Last reviewed").is_visible()
    check_accessibility(desk)

    assert page.console_errors == [] and dark.console_errors == [] and desk.console_errors == []
