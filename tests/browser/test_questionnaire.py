"""A client answers the PHQ-9 with item 9 positive: help at once, and the clinician is told."""

from __future__ import annotations

import pytest

from tests.browser.journeys import sign_in

pytestmark = pytest.mark.browser


def test_a_positive_item_9_brings_help_to_the_client_and_an_alert_to_the_clinician(
    new_page, check_accessibility
):
    check = check_accessibility
    clinician = new_page()
    sign_in(clinician, "marcus@northfield.example", code=True)
    clinician.get_by_role("link", name="Casey Young", exact=True).click()
    clinician.get_by_role("link", name="Questionnaires and change").click()
    clinician.get_by_role("combobox", name="Questionnaire").select_option("phq9")
    clinician.get_by_role("button", name="Ask now").click()
    assert clinician.get_by_text("will see the PHQ-9 on their Today page").is_visible()
    check(clinician)

    client = new_page(mobile=True)
    sign_in(client, "casey@clients.northfield.example")
    client.get_by_role("link", name="PHQ-9").click()
    check(client)
    answers = [1, 2, 1, 1, 0, 1, 2, 1, 2]
    for number, answer in enumerate(answers, start=1):
        group = client.get_by_role("group", name=f"{number}.", exact=False).first
        group.get_by_role("radio").nth(answer).check()
    client.get_by_role("button", name="Send my answers").click()
    assert client.get_by_role("heading", name="Thank you for telling us").is_visible()
    assert client.get_by_role("link", name="Call 988").is_visible()
    check(client)

    clinician.reload()
    banner = clinician.get_by_role("alert").filter(has_text="risk answers waiting").first
    assert banner.is_visible()
    banner.get_by_role("link", name="Casey Young (high, 1 answer)").click()
    assert clinician.get_by_text("Answer: 2 (More than half the days)").is_visible()
    check(clinician)
    clinician.get_by_label("Phoned the client").check()
    clinician.get_by_label("Note").fill("Phoned Casey; agreed to talk on Friday.")
    clinician.get_by_role("button", name="Save and close").click()
    assert clinician.get_by_text("The episode for Casey Young is closed.").is_visible()
    assert clinician.get_by_role("alert").filter(has_text="risk answers waiting").count() == 0
    clinician.get_by_role("link", name="Back to Casey Young").click()
    clinician.get_by_role("link", name="Questionnaires and change").click()
    newest = clinician.get_by_role("region", name="PHQ-9 responses").get_by_role("row").nth(1)
    assert newest.get_by_role("cell").first.text_content() == "11"  # 1+2+1+1+0+1+2+1+2
    check(clinician)
