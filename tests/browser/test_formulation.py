"""A client builds their formulation on a phone, sees it drawn, and checks in with three circles."""

from __future__ import annotations

import pytest

from tests.browser.journeys import sign_in
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "noa@clients.riverside.example"
# A client of their own, so no other journey's edits meet this one.
SETUP = f"""
from tending.accounts.models import ClientProfile, Organisation, User
organisation = Organisation.objects.get(name="Riverside Compassion Clinic")
asha = User.objects.get(email="asha@riverside.example")
noa = User.objects.create_user({EMAIL!r}, {DEMO_PASSWORD!r}, name="Noa Kelly")
ClientProfile.objects.create(
    organisation=organisation, primary_clinician=asha, user=noa, name="Noa Kelly", email={EMAIL!r}
)
"""


def test_a_client_writes_their_formulation_on_a_phone_and_sees_it_drawn(
    server, new_page, check_accessibility
):
    server.shell(SETUP)
    page = new_page(mobile=True)
    sign_in(page, EMAIL)
    page.wait_for_url("**/today/")

    page.goto("/formulation/")
    assert page.get_by_role("heading", name="Your formulation", level=1).is_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Start writing").click()
    page.wait_for_url("**/formulation/edit/")
    check_accessibility(page)
    page.get_by_label("Historical influences").fill("Moved house a lot as a child.")
    page.get_by_label("What I fear I might feel or be").fill("That I will be overwhelmed.")
    page.get_by_label("Self-to-self relating").fill("I am hard on myself.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/formulation/")
    assert page.get_by_text("Saved as version 1.").is_visible()

    picture = page.get_by_role("img", name="Formulation diagram, version 1")
    assert picture.is_visible()
    drawn = page.locator("svg.fd").text_content()
    for words in ("Moved house a lot", "That I will be", "I am hard on myself."):
        assert words in drawn
    assert page.get_by_role("heading", name="In words", exact=True).is_visible()
    check_accessibility(page)

    # A second save, then what changed between the two.
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Self-to-self relating").fill("I am hard on myself when I am tired.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/formulation/")
    page.get_by_role("link", name="What changed").click()
    page.wait_for_url("**/formulation/changes/")
    assert page.locator("ins").filter(has_text="when I am tired.").is_visible()
    check_accessibility(page)

    dark = new_page(mobile=True, dark=True)
    sign_in(dark, EMAIL)
    dark.goto("/formulation/")
    assert dark.get_by_role("img", name="Formulation diagram, version 2").is_visible()
    check_accessibility(dark)

    assert page.console_errors == [] and dark.console_errors == []


def test_a_client_checks_in_with_three_circles(server, new_page, check_accessibility):
    page = new_page(mobile=True)
    sign_in(page, "sam@clients.riverside.example")  # the demo's months of check-ins
    page.wait_for_url("**/today/")
    page.goto("/three-circles/")
    assert page.get_by_role("img", name="Threat, drive and soothe over time").is_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Check in now").click()
    page.wait_for_url("**/three-circles/new/")
    check_accessibility(page)
    page.get_by_role("combobox", name="Threat").select_option("6")
    page.get_by_role("combobox", name="Drive").select_option("4")
    page.get_by_label("What helps soothe?").fill("A walk before breakfast.")
    page.get_by_role("button", name="Save check-in").click()
    # Soothe was left out: the page says so and keeps what was typed.
    assert page.get_by_text("This field is required.").is_visible()
    assert page.get_by_label("What helps soothe?").input_value() == "A walk before breakfast."
    check_accessibility(page)
    page.get_by_role("combobox", name="Soothe").select_option("3")
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/three-circles/")
    latest = page.get_by_role(
        "img", name="Three circles: Threat 6 out of 10, Drive 4 out of 10, Soothe 3 out of 10"
    ).first
    assert latest.is_visible()
    assert page.get_by_text("A walk before breakfast.").first.is_visible()
    check_accessibility(page)
    assert page.console_errors == []
