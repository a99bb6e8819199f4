"""A clinician opens a client's layer map from their record and sees each layer's activity."""

from __future__ import annotations

import pytest

from tests.browser.journeys import sign_in
from tests.conftest import DEMO_PASSWORD, DEMO_TOTP_SECRET

pytestmark = pytest.mark.browser

# A clinician of their own (each staff sign-in code works once) and one client with a session
# note in the relationship layer, a formulation, and a shared and a private letter.
SETUP = f"""
import base64
from datetime import timedelta
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from tending.accounts.models import ClientProfile, Membership, Organisation, User
from tending.journal.models import JournalEntry
from tending.testing.formulation_records import add_version
from tending.testing.journal_records import make_entry
from tending.testing.session_records import make_session

organisation = Organisation.objects.get(name="Riverside Compassion Clinic")
noor = User.objects.create_user("noor@riverside.example", {DEMO_PASSWORD!r}, name="Noor Haddad")
Membership.objects.create(user=noor, organisation=organisation, role="clinician")
TOTPDevice.objects.create(
    user=noor, name="Phone", confirmed=True, key=base64.b32decode({DEMO_TOTP_SECRET!r}).hex()
)
client = ClientProfile.objects.create(
    organisation=organisation, primary_clinician=noor, name="Kit Layers",
    email="kit@clients.riverside.example",
)
make_session(client, on=timezone.localdate() - timedelta(days=2), text="Felt safer today")
add_version(client, noor, "clinician", history="Moved schools often")
make_entry(client, kind=JournalEntry.Kind.LETTER, shared=True)
make_entry(client, kind=JournalEntry.Kind.LETTER)
"""


def test_a_clinician_sees_what_happened_in_each_layer(new_page, server, check_accessibility):
    server.shell(SETUP)
    page = new_page()
    sign_in(page, "noor@riverside.example", code=True)
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="Kit Layers").first.click()
    page.get_by_role("link", name="Layer map").click()
    page.wait_for_url("**/layers/")

    relationship = page.get_by_role("region", name="1 Therapeutic relationship")
    assert "1 session with notes under this layer" in relationship.text_content()
    assert "Journal entries the client chose to share" in relationship.text_content()
    understanding = page.get_by_role("region", name="2 Compassionate understanding")
    assert "1 version, 0 written by the client" in understanding.text_content()
    practices = page.get_by_role("region", name="4 Compassion practices")
    assert "Compassionate letters shared" in practices.text_content()
    # Only the shared letter counts; the private one is not even a number.
    assert (
        "1 (latest"
        in practices.get_by_text("Compassionate letters shared")
        .locator("xpath=following-sibling::dd[1]")
        .text_content()
    )
    assert "Nothing recorded in the last 28 days" in page.content()
    check_accessibility(page)

    phone = new_page(mobile=True, dark=True)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(page.url)
    assert phone.get_by_role("region", name="3 Mindful awareness").is_visible()
    check_accessibility(phone)
