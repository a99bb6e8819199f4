"""A client gives their phone number on a phone: a mistyped number is explained and nothing
typed is lost; fixed, it is saved, and their clinician can tap it to call."""

from __future__ import annotations

import pytest

from tests.browser.journeys import sign_in
from tests.conftest import DEMO_PASSWORD, DEMO_TOTP_SECRET

pytestmark = pytest.mark.browser

EMAIL = "rowan.contact@clients.riverside.example"
CLINICIAN = "hana.contact@riverside.example"
# A clinician and client of their own (each staff sign-in code works once), so no other
# journey meets this one.
SETUP = f"""
import base64
from django_otp.plugins.otp_totp.models import TOTPDevice
from tending.accounts.models import ClientProfile, Membership, Organisation, User
organisation = Organisation.objects.get(name="Riverside Compassion Clinic")
hana = User.objects.create_user({CLINICIAN!r}, {DEMO_PASSWORD!r}, name="Hana Obi")
Membership.objects.create(user=hana, organisation=organisation, role="clinician")
TOTPDevice.objects.create(
    user=hana, name="Phone", confirmed=True, key=base64.b32decode({DEMO_TOTP_SECRET!r}).hex()
)
rowan = User.objects.create_user({EMAIL!r}, {DEMO_PASSWORD!r}, name="Rowan Hale")
client = ClientProfile.objects.create(
    organisation=organisation, primary_clinician=hana, user=rowan, name="Rowan Hale",
    email={EMAIL!r},
)
print(client.public_id)
"""


def test_a_client_fixes_a_mistyped_number_without_losing_anything(
    server, new_page, check_accessibility
):
    client_id = server.shell(SETUP).strip()
    page = new_page(mobile=True)
    sign_in(page, EMAIL)
    page.wait_for_url("**/today/")

    page.goto("/account/")
    page.get_by_role("link", name="Your contact details").click()
    page.wait_for_url("**/my/contact-details/")
    assert page.get_by_role("heading", name="Your contact details", level=1).is_visible()
    check_accessibility(page)

    mobile = page.get_by_label("Mobile number")
    mobile.fill("07400 12345")  # a digit short of a mobile number
    page.get_by_label("Best times to call").fill("Weekday evenings after 6")
    page.get_by_label("Name:", exact=True).fill("Jo Hale")
    page.get_by_label("Who they are to you").fill("Brother")
    page.get_by_label("Phone number:", exact=True).fill("020 7946 0018")
    page.get_by_role("button", name="Save").click()

    page.get_by_text("This is not a number a phone can call.").wait_for()
    assert page.get_by_role("alert").filter(has_text="Please check").is_visible()
    assert mobile.input_value() == "07400 12345"
    assert mobile.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Best times to call").input_value() == "Weekday evenings after 6"
    assert page.get_by_label("Name:", exact=True).input_value() == "Jo Hale"
    assert page.get_by_label("Phone number:", exact=True).input_value() == "020 7946 0018"
    check_accessibility(page)

    mobile.fill("07400 123456")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved. Thank you: your therapist can see these details now.").wait_for()
    assert page.get_by_label("Mobile number").input_value() == "07400 123456"
    assert page.get_by_text("Last changed").is_visible()
    check_accessibility(page)
    assert page.console_errors == []

    staff = new_page()
    sign_in(staff, CLINICIAN, code=True)
    staff.goto(f"/clients/{client_id}/contact-details/")
    call = staff.get_by_role("link", name="07400 123456")
    assert call.get_attribute("href") == "tel:+447400123456"
    assert staff.get_by_role("link", name="020 7946 0018").get_attribute("href") == (
        "tel:+442079460018"
    )
    check_accessibility(staff)
