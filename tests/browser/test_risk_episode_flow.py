"""On a phone, a client with a safety plan answers item 9 of the PHQ-9 with 2: the crisis page
shows their own plan with numbers to tap; their clinician sees one banner line for the client
(the new answer joined the demo's open episode), opens the episode and closes it with what
they did."""

from __future__ import annotations

import pytest

from tests.browser.journeys import sign_in

pytestmark = pytest.mark.browser


def test_a_risk_answer_shows_the_clients_plan_and_the_clinician_closes_one_episode(
    new_page, check_accessibility
):
    check = check_accessibility
    clinician = new_page(mobile=True)
    sign_in(clinician, "asha@riverside.example", code=True)
    clinician.get_by_role("link", name="Chris Doyle", exact=True).first.click()
    clinician.get_by_role("link", name="Questionnaires and change").click()
    clinician.get_by_role("combobox", name="Questionnaire").select_option("phq9")
    clinician.get_by_role("button", name="Ask now").click()
    assert clinician.get_by_text("will see the PHQ-9 on their Today page").is_visible()

    client = new_page(mobile=True)
    sign_in(client, "chris@clients.riverside.example")
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
    assert banner.get_by_role("link").count() == 1  # one line for the client, not one per answer
    banner.get_by_role("link", name="Chris Doyle (high, 2 answers)").click()
    answers = clinician.get_by_role("region", name="The answers").get_by_role("listitem")
    assert clinician.get_by_text("Answer: 2 (More than half the days)").is_visible()
    assert answers.filter(has_text="PHQ-9").count() == 2
    check(clinician)
    clinician.get_by_label("Phoned the client").check()
    clinician.get_by_role("button", name="Save and close").click()
    assert clinician.get_by_text("The episode for Chris Doyle is closed.").is_visible()
    assert clinician.get_by_role("alert").filter(has_text="risk answers waiting").count() == 0
    assert clinician.get_by_role("heading", name="What was done").is_visible()
    assert clinician.get_by_text("Phoned the client").is_visible()
    check(clinician)
