"""The first journeys, in a real browser, each page checked with axe-core."""

from __future__ import annotations

import re

import pytest

from tests.browser.journeys import sign_in

pytestmark = pytest.mark.browser


def test_a_clinician_invites_a_client_who_accepts_and_signs_in(
    new_page, server, check_accessibility
):
    check = check_accessibility
    clinician = new_page()
    sign_in(clinician, "asha@riverside.example", code=True, check=check)
    # A clinician's home is the dashboard: the caseload at a glance, risk first.
    clinician.wait_for_url("**/dashboard/")
    assert clinician.get_by_role("heading", name="Your caseload at a glance").is_visible()
    assert clinician.get_by_role("link", name="Sam Rivers", exact=True).is_visible()
    # The demo's open risk episode (Chris Doyle's latest PHQ-9) heads the table.
    first_row = clinician.get_by_role("region", name="Caseload dashboard").get_by_role("row").nth(1)
    assert first_row.get_by_role("rowheader").text_content().startswith("Chris Doyle")
    assert "Risk answer" in first_row.text_content()
    check(clinician)
    clinician.get_by_role("link", name="What the columns mean").click()
    assert clinician.get_by_role("heading", name="What the CSV columns mean").is_visible()
    check(clinician)
    clinician.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
    clinician.wait_for_url("**/caseload/")

    # A mistake first: the form says what is wrong and keeps what was typed.
    clinician.get_by_label("Name").fill("Noor Haddad")
    clinician.get_by_label("Email address").fill("noor at example")
    clinician.get_by_role("button", name="Add and invite").click()
    assert clinician.get_by_text("Enter a valid email address.").is_visible()
    assert clinician.get_by_label("Name").input_value() == "Noor Haddad"
    check(clinician)

    clinician.get_by_label("Email address").fill("noor@example.org")
    clinician.get_by_role("button", name="Add and invite").click()
    clinician.wait_for_url(re.compile(r".*/clients/[0-9a-f-]{36}/$"))
    assert clinician.get_by_role("heading", name="Noor Haddad").is_visible()
    assert clinician.get_by_text("We emailed them an invitation").is_visible()
    check(clinician)

    email = server.latest_mail_to("noor@example.org")
    link = re.search(r"(http://127\.0\.0\.1:\d+/invitations/\S+/)", email).group(1)

    client = new_page(mobile=True)
    client.goto(link)
    client.wait_for_url("**/invitations/accept/")  # the token left the address bar
    assert client.get_by_role("heading", name="Welcome, Noor Haddad").is_visible()
    check(client)
    client.get_by_label("Choose a password").fill("soft rain on the window")
    client.get_by_label("Type it again").fill("soft rain on the window")
    client.get_by_role("button", name="Set my password").click()

    client.wait_for_url("**/sign-in/")
    assert client.get_by_label("Email address").input_value() == "noor@example.org"
    check(client)
    client.get_by_label("Password").fill("soft rain on the window")
    client.get_by_role("button", name="Sign in").click()
    client.wait_for_url("**/today/")
    assert client.get_by_role("heading", name="Hello, Noor Haddad").is_visible()
    check(client)

    client.get_by_text("Need help now?").first.click()
    assert client.get_by_role("link", name="Call 116 123").is_visible()
    check(client)

    # The link cannot be used a second time.
    again = new_page(mobile=True)
    again.goto(link)
    assert again.get_by_role("heading", name="This invitation cannot be used").is_visible()
    check(again)
    assert clinician.console_errors == [] and client.console_errors == []


def test_an_organisation_admins_pages_work_in_dark_mode_on_a_phone(new_page, check_accessibility):
    check = check_accessibility
    admin = new_page(mobile=True, dark=True)
    sign_in(admin, "dana@northfield.example", code=True, check=check)
    admin.wait_for_url("**/organisation/")
    check(admin)
    for link, url in (
        ("Members", "**/organisation/members/"),
        ("Audit trail", "**/organisation/audit/"),
    ):
        admin.get_by_role("link", name=link).click()
        admin.wait_for_url(url)
        check(admin)
    assert admin.get_by_role("cell", name="signin.succeeded").first.is_visible()
    admin.get_by_role("link", name="Account").click()
    check(admin)


def test_public_pages_are_accessible_in_both_colour_schemes(new_page, check_accessibility):
    for dark in (False, True):
        page = new_page(mobile=True, dark=dark)
        for url in ("/sign-in/", "/help/", "/password-reset/", "/no-such-page/"):
            page.goto(url)
            check_accessibility(page)
