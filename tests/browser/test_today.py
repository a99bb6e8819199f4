"""A client's Today page on a phone leads straight into the practice their clinician set."""

from __future__ import annotations

import pytest

from tests.browser.journeys import sign_in

pytestmark = pytest.mark.browser


def test_today_leads_into_the_practice_set_for_today(server, new_page, check_accessibility):
    server.shell(
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from tending.accounts.models import ClientProfile\n"
        "from tending.assignments.models import Assignment\n"
        "from tending.practices.models import Practice\n"
        "client = ClientProfile.objects.get(email='riley@clients.northfield.example')\n"
        "Assignment.objects.create(client=client, created_by=client.primary_clinician,"
        " kind='practice', practice=Practice.objects.get(key='compassionate-colour'),"
        " repeat='daily', start_date=timezone.now().date() - timedelta(days=2),"
        " instructions='Whenever the afternoon feels heavy.')\n"
    )
    page = new_page(mobile=True)
    sign_in(page, "riley@clients.northfield.example")
    page.wait_for_url("**/today/")
    card = page.locator(".card").filter(has_text="Compassionate colour")
    assert card.get_by_text("Whenever the afternoon feels heavy.").is_visible()
    check_accessibility(page)
    card.get_by_role("link", name="Begin").click()
    page.wait_for_url("**/play/")
    assert page.get_by_role("heading", name="Compassionate colour", level=1).is_visible()
    check_accessibility(page)


def test_a_homework_questionnaire_reloaded_after_it_closed_explains_itself_calmly(
    server, new_page, check_accessibility
):
    # Opened from homework earlier, and no homework asks for it now (closed, paused or ended).
    address = server.shell(
        "from tending.accounts.models import ClientProfile\n"
        "from tending.measures.models import MeasureRequest\n"
        "client = ClientProfile.objects.get(email='riley@clients.northfield.example')\n"
        "asked = MeasureRequest.objects.create(client=client, measure_key='gad7',"
        " requested_by=client.primary_clinician, from_homework=True)\n"
        "print(asked.get_absolute_url())\n"
    )
    page = new_page(mobile=True)
    sign_in(page, "riley@clients.northfield.example")
    page.wait_for_url("**/today/")
    page.goto(server.url + address)
    assert page.get_by_role("heading", name="This questionnaire has closed for now").is_visible()
    assert page.get_by_role("radio").count() == 0
    check_accessibility(page)
    page.get_by_role("link", name="Back to Today").click()
    page.wait_for_url("**/today/")
