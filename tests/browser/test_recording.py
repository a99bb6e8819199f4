"""A clinician records a practice in the browser; the server judges the real file."""

from __future__ import annotations

import pytest

from tests.browser.journeys import sign_in

pytestmark = pytest.mark.browser


def test_a_clinician_records_their_voice_and_it_is_saved(new_page, check_accessibility):
    page = new_page()
    page.context.grant_permissions(["microphone"])
    sign_in(page, "lena@northfield.example", code=True)

    page.get_by_role("link", name="Practices", exact=True).click()
    page.get_by_role("link", name="Compassionate colour").click()
    check_accessibility(page)
    page.get_by_role("button", name="Record in the browser").click()
    status = page.locator("[data-recorder-status]")
    page.wait_for_function("() => document.querySelector('[data-recorder-status]').textContent")
    assert status.text_content() == "Recording. Read the practice at a gentle pace."
    page.wait_for_timeout(2_500)  # real time: the fake microphone plays a tone
    page.get_by_role("button", name="Stop recording").click()

    page.wait_for_selector("text=Your recording is saved")
    assert page.locator("audio").count() == 1
    assert page.get_by_role("button", name="Replace the recording").is_visible()
    seconds = page.get_by_text("seconds, saved").text_content()
    assert 1 <= int(seconds.split()[0]) <= 4, seconds
    check_accessibility(page)
