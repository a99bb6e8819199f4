"""Steps the browser journeys share."""

from __future__ import annotations

import time

import pyotp

from tests.conftest import DEMO_PASSWORD, DEMO_TOTP_SECRET

TOTP = pyotp.TOTP(DEMO_TOTP_SECRET)
# The server accepts each authenticator time step once per person (no replayed codes), and
# one step ahead of its clock. The last step each person used in this test process:
_last_step: dict[str, int] = {}


def fresh_code(email: str) -> str:
    """Return a code `email` has not used yet: this step's, the next one's, or, when both are
    used, the one after that once it is near enough (waiting up to 30 seconds)."""
    step = max(int(time.time()) // TOTP.interval, _last_step.get(email, -1) + 1)
    while step > int(time.time()) // TOTP.interval + 1:
        time.sleep(1)
    _last_step[email] = step
    return TOTP.at(step * TOTP.interval)


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
        page.get_by_label("Code").fill(fresh_code(email))
        page.get_by_role("button", name="Continue").click()
