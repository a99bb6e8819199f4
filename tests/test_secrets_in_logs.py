"""No secret reaches the logs (ASVS 16.2.5; reliability plan T22).

One person's whole journey runs with every logger at DEBUG: an admin signs in with a code and
invites a clinician; the clinician accepts, mistypes a password, signs in, sets up an
authenticator, signs out and in again with a code, and resets the password. Along the way come
errors: a bad code, a form without its token, an invitation link replayed past its limit and a
server error. No password, code, authenticator key, recovery code, session key, CSRF token,
invitation or reset token, signing key or field-encryption key may appear in any log line.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import pyotp
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tending.testing.personas import PASSWORD, TOTP_SECRET, current_code
from tests.test_csrf import submit

START = dt.datetime(2026, 11, 2, 9, 5, tzinfo=dt.UTC)
CHOSEN = "quiet harbour lantern evening"
MISTYPED = "quiet harbour lantern evenin"
RESET_TO = "slow river morning birdsong"


class Secrets:
    def __init__(self) -> None:
        self.values: set[str] = {
            PASSWORD,
            CHOSEN,
            MISTYPED,
            RESET_TO,
            TOTP_SECRET,
            settings.SECRET_KEY,
            *settings.FIELD_ENCRYPTION_KEYS,
        }

    def add(self, *values: str) -> None:
        self.values.update(value for value in values if value)

    def from_client(self, http: Client) -> None:
        """Keep the session key and CSRF cookie the browser holds now."""
        for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
            if name in http.cookies:
                self.add(http.cookies[name].value)

    def from_page(self, response) -> None:
        self.add(
            *re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
        )


@pytest.fixture
def every_logger_at_debug(caplog):
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def sign_in_with_code(http: Client, email: str, password: str, code: str, secrets: Secrets):
    secrets.from_page(http.get(reverse("sign_in")))
    assert submit(http, reverse("sign_in"), reverse("sign_in"), username=email, password=password)[
        "Location"
    ] == reverse("sign_in_verify")
    secrets.from_client(http)
    secrets.add(code)
    verified = submit(http, reverse("sign_in_verify"), reverse("sign_in_verify"), code=code)
    assert verified.status_code == 302
    secrets.from_client(http)


def test_it_logs_no_secret_on_a_whole_journey(
    world, every_logger_at_debug, settings, time_machine, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    time_machine.move_to(START, tick=False)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation_accept": (2, 3600)}
    secrets = Secrets()

    # An admin signs in with a code and invites a clinician.
    admin = Client(enforce_csrf_checks=True)
    sign_in_with_code(admin, world.admin_a.email, PASSWORD, current_code(), secrets)
    with django_capture_on_commit_callbacks(execute=True):
        invited = submit(
            admin,
            reverse("members"),
            reverse("member_invite"),
            name="Nia Newcomer",
            email="nia@example.org",
            role="clinician",
        )
    assert invited.status_code == 302
    link = re.search(r"http://testserver(/invitations/(\S+)/)", mail.outbox[-1].body)
    secrets.add(link.group(2))

    # The clinician accepts and chooses a password.
    nia = Client(enforce_csrf_checks=True, raise_request_exception=False)
    assert nia.get(link.group(1))["Location"] == reverse("invitation_accept")
    secrets.from_client(nia)
    accepted = submit(
        nia,
        reverse("invitation_accept"),
        reverse("invitation_accept"),
        password1=CHOSEN,
        password2=CHOSEN,
    )
    assert accepted["Location"] == reverse("sign_in")
    # Someone replays the link from the same network, past its limit.
    assert Client().get(link.group(1)).status_code == 429

    # A mistyped password, then the right one; staff must set up an authenticator.
    mistyped = submit(
        nia, reverse("sign_in"), reverse("sign_in"), username="nia@example.org", password=MISTYPED
    )
    assert mistyped.status_code == 400
    signed = submit(
        nia, reverse("sign_in"), reverse("sign_in"), username="nia@example.org", password=CHOSEN
    )
    assert signed["Location"] == reverse("two_factor_setup")
    secrets.from_client(nia)
    # Each visit to the set-up page makes a new key, so both tries post to the page read here.
    setup = nia.get(reverse("two_factor_setup")).content.decode()
    key = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', setup).group(1).replace(" ", "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', setup).group(1)
    totp = pyotp.TOTP(key)
    secrets.add(key, token, totp.now())
    wrong = nia.post(reverse("two_factor_setup"), {"csrfmiddlewaretoken": token, "code": "000000"})
    assert wrong.status_code == 400
    time_machine.shift(dt.timedelta(seconds=5))  # after a wrong code, the next waits a moment
    confirmed = nia.post(
        reverse("two_factor_setup"), {"csrfmiddlewaretoken": token, "code": totp.now()}
    )
    assert confirmed["Location"] == reverse("recovery_codes")
    codes = re.findall(
        r"<li><code>(\w+)</code></li>", nia.get(reverse("recovery_codes")).content.decode()
    )
    assert len(codes) == 10
    secrets.add(*codes)
    secrets.from_client(nia)

    # Signing out and in again with the next code.
    assert nia.post(reverse("sign_out"), {"csrfmiddlewaretoken": "stale"}).status_code == 403
    submit(nia, reverse("account_settings"), reverse("sign_out"))
    time_machine.shift(dt.timedelta(seconds=30))
    sign_in_with_code(nia, "nia@example.org", CHOSEN, totp.now(), secrets)

    # A forgotten password: the e-mailed link, then a new password.
    stranger = Client(enforce_csrf_checks=True)
    submit(stranger, reverse("password_reset"), reverse("password_reset"), email="nia@example.org")
    reset = re.search(r"http://testserver(/password-reset/(\S+)/(\S+)/)", mail.outbox[-1].body)
    secrets.add(reset.group(3))
    assert Client(enforce_csrf_checks=True).post(reset.group(1)).status_code == 403
    choose = stranger.get(reset.group(1))["Location"]
    secrets.from_client(stranger)
    done = submit(stranger, choose, choose, new_password1=RESET_TO, new_password2=RESET_TO)
    assert done["Location"] == reverse("sign_in")

    # A server error in the middle of signing in.
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("tending.accounts.views.signin.complete_sign_in", broken)
    crashing = Client(enforce_csrf_checks=True, raise_request_exception=False)
    failed = submit(
        crashing,
        reverse("sign_in"),
        reverse("sign_in"),
        username=world.client_a.email,
        password=PASSWORD,
    )
    assert failed.status_code == 500
    secrets.from_client(crashing)

    records = every_logger_at_debug.records
    assert any(r.levelno >= logging.ERROR for r in records)  # the journey did log its errors
    assert any("/invitations/" in r.getMessage() for r in records)
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    logged = "\n".join(formatter.format(record) for record in records)
    leaked = sorted(secret for secret in secrets.values if secret in logged)
    assert leaked == []
    assert len(secrets.values) > 25
