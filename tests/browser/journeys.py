"""Steps the browser journeys share."""

from __future__ import annotations

import pyotp

from tests.conftest import DEMO_PASSWORD, DEMO_TOTP_SECRET


def sign_in(page, email: str, *, code: bool = False, check=None) -> None:
    """Sign a demo person in; staff also type the current authenticator code."""
    page.goto("/sign-in/")
    if check:
        check(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if code:
        page.wait_for_url("**/sign-in/code/")
        if check:
            check(page)
        page.get_by_label("Code").fill(pyotp.TOTP(DEMO_TOTP_SECRET).now())
        page.get_by_role("button", name="Continue").click()
