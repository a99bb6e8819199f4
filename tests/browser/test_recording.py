"""A clinician records a practice in the browser; the server judges the real file."""

from __future__ import annotations

import pytest

from tests.browser.journeys import sign_in
from tests.conftest import DEMO_PASSWORD, DEMO_TOTP_SECRET

pytestmark = pytest.mark.browser

TOO_LARGE = (
    "This recording is larger than 25 MB, so it was not saved. "
    "Record a shorter version, or save it at a lower quality, and try again."
)


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


# A clinician of their own for each test (each staff sign-in code works once).
NEW_CLINICIAN = f"""
import base64
from django_otp.plugins.otp_totp.models import TOTPDevice
from tending.accounts.models import Membership, Organisation, User
user = User.objects.create_user("EMAIL", {DEMO_PASSWORD!r}, name="Rowan Upload")
Membership.objects.create(
    user=user, organisation=Organisation.objects.get(name="Northfield Wellbeing Service"),
    role="clinician",
)
TOTPDevice.objects.create(
    user=user, name="Phone", confirmed=True, key=base64.b32decode({DEMO_TOTP_SECRET!r}).hex()
)
"""


def _open_upload_form(page, server, email: str) -> None:
    server.shell(NEW_CLINICIAN.replace("EMAIL", email))
    sign_in(page, email, code=True)
    page.get_by_role("link", name="Practices", exact=True).click()
    page.get_by_role("link", name="Soothing rhythm breathing").click()


def test_a_file_over_the_size_limit_is_refused_calmly_before_it_is_sent(
    new_page, server, check_accessibility, tmp_path
):
    page = new_page()
    _open_upload_form(page, server, "rowan@northfield.example")
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    big = tmp_path / "long practice.wav"
    big.write_bytes(bytes(40 * 1024 * 1024))

    page.get_by_label("Audio file").set_input_files(big)
    page.locator("form[data-recorder] button[type=submit]").click()

    alert = page.get_by_role("alert")
    assert alert.text_content().strip() == TOO_LARGE
    assert posts == []  # nothing sent, so no proxy or server had to refuse it
    check_accessibility(page)


def test_without_javascript_the_server_refuses_it_with_the_same_calm_page(
    browser, server, tmp_path
):
    # Straight to gunicorn: Tending answers from the declared length without reading the
    # body, and the browser still shows that answer (no "connection reset").
    context = browser.new_context(base_url=server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    _open_upload_form(page, server, "robin@northfield.example")
    big = tmp_path / "long practice.wav"
    big.write_bytes(bytes(40 * 1024 * 1024))

    page.get_by_label("Audio file").set_input_files(big)
    with page.expect_navigation() as answer:
        page.locator("form[data-recorder] button[type=submit]").click()

    assert answer.value.status == 413
    assert TOO_LARGE in page.locator(".errorlist").text_content()
    context.close()
