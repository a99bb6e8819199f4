"""On a phone, a client with a safety plan answers item 9 of the PHQ-9 with 2: the crisis page
shows their own plan with numbers to tap; their clinician sees one banner line for the client,
opens the episode and closes it with what they did."""

from __future__ import annotations

import pytest

from tests.browser.journeys import sign_in
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "robin.hale@clients.riverside.example"
# A client of their own with a plan written at their last session, so no other journey's
# risk answers or closed episodes meet this one.
SETUP = f"""
import uuid
from tending.accounts.models import ClientProfile, Organisation, User
from tending.safety.models import SafetyPlan
organisation = Organisation.objects.get(name="Riverside Compassion Clinic")
asha = User.objects.get(email="asha@riverside.example")
robin = User.objects.create_user({EMAIL!r}, {DEMO_PASSWORD!r}, name="Robin Hale")
client = ClientProfile.objects.create(
    organisation=organisation, primary_clinician=asha, user=robin, name="Robin Hale",
    email={EMAIL!r},
)
plan = SafetyPlan.objects.create(client=client, version=1)
plan.versions.create(
    number=1, token=uuid.uuid4(), author=asha, author_role="clinician", author_name=asha.name,
    on_my_own="Soothing rhythm breathing for five minutes.",
    people_to_ask="Ciara (my sister) 07700 900456",
)
"""


def test_a_risk_answer_shows_the_clients_plan_and_the_clinician_closes_one_episode(
    server, new_page, check_accessibility
):
    server.shell(SETUP)
    check = check_accessibility
    clinician = new_page(mobile=True)
    sign_in(clinician, "asha@riverside.example", code=True)
    clinician.goto("/caseload/")
    clinician.get_by_role("link", name="Robin Hale", exact=True).first.click()
    clinician.get_by_role("link", name="Questionnaires and change").click()
    clinician.get_by_role("combobox", name="Questionnaire").select_option("phq9")
    clinician.get_by_role("button", name="Ask now").click()
    assert clinician.get_by_text("will see the PHQ-9 on their Today page").is_visible()

    client = new_page(mobile=True)
    sign_in(client, EMAIL)
    client.get_by_role("link", name="PHQ-9").first.click()
    for number, answer in enumerate([1, 1, 1, 1, 0, 1, 1, 1, 2], start=1):
        group = client.get_by_role("group", name=f"{number}.", exact=False).first
        group.get_by_role("radio").nth(answer).check()
    client.get_by_role("button", name="Send my answers").click()
    assert client.get_by_role("heading", name="Thank you for telling us").is_visible()
    # Their own plan, in their words, with the numbers in it ready to tap.
    plan = client.get_by_role("region", name="Your safety plan")
    assert plan.get_by_text("Soothing rhythm breathing for five minutes.").is_visible()
    sister = plan.locator('a[href="tel:+447700900456"]')
    assert sister.count() == 1 and sister.is_visible()
    check(client)

    clinician.reload()
    banner = clinician.get_by_role("alert").filter(has_text="risk answers waiting")
    assert banner.get_by_role("link", name="Robin Hale", exact=False).count() == 1
    banner.get_by_role("link", name="Robin Hale (high, 1 answer)").click()
    assert clinician.get_by_text("Answer: 2 (More than half the days)").is_visible()
    # How to reach the client and their plan are on the page where the clinician acts.
    plan = clinician.get_by_role("region", name="Robin Hale's safety plan")
    assert plan.locator('a[href="tel:+447700900456"]').count() == 1
    check(clinician)
    clinician.get_by_label("Phoned the client").check()
    clinician.get_by_role("button", name="Save and close").click()
    assert clinician.get_by_text("The episode for Robin Hale is closed.").is_visible()
    still_waiting = clinician.get_by_role("alert").filter(has_text="risk answers waiting")
    assert still_waiting.get_by_role("link", name="Robin Hale", exact=False).count() == 0
    assert clinician.get_by_role("heading", name="What was done").is_visible()
    assert clinician.get_by_text("Phoned the client").is_visible()
    check(clinician)
