from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.http import urlsafe_base64_decode

from tending.accounts.models import User
from tending.audit.models import AuditEvent
from tending.testing.personas import PASSWORD, current_code, sign_in

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def attempt(http: Client, email: str, password: str, ip: str = "10.0.0.1"):
    return http.post(reverse("sign_in"), {"username": email, "password": password}, REMOTE_ADDR=ip)


class TestLockout:
    def test_it_pauses_an_account_after_repeated_failures_with_a_clear_message(
        self, world, time_machine
    ):
        time_machine.move_to(START, tick=False)
        email = world.client_a.email
        for number in range(settings.AXES_FAILURE_LIMIT - 1):
            response = attempt(Client(), email, f"guess {number}", ip=f"10.0.1.{number}")
            assert response.status_code == 400
        # The failure that reaches the limit starts the pause.
        assert attempt(Client(), email, "last guess", ip="10.0.1.99").status_code == 429

        # Even the right password, from a new address, waits out the pause.
        locked = attempt(Client(), email, PASSWORD, ip="10.9.9.9")
        assert locked.status_code == 429
        assert b"paused for a few minutes" in locked.content
        assert email.encode() in locked.content  # what was typed is kept
        assert AuditEvent.objects.filter(action="signin.failed", detail__locked_out=True).exists()

        time_machine.shift(dt.timedelta(minutes=16))
        assert attempt(Client(), email, PASSWORD, ip="10.9.9.9").status_code == 302

    def test_it_pauses_an_address_that_tries_many_accounts(self, world, time_machine):
        time_machine.move_to(START, tick=False)
        for number in range(settings.AXES_FAILURE_LIMIT):
            attempt(Client(), f"someone{number}@example.org", "guess", ip="10.0.0.66")

        assert attempt(Client(), world.client_b.email, PASSWORD, ip="10.0.0.66").status_code == 429
        assert attempt(Client(), world.client_b.email, PASSWORD, ip="10.0.0.67").status_code == 302

    def test_it_counts_the_same_address_in_any_letter_case_as_one_account(self, world):
        for number in range(settings.AXES_FAILURE_LIMIT):
            attempt(
                Client(),
                world.client_a.email.upper() if number % 2 else world.client_a.email,
                "guess",
                ip=f"10.0.2.{number}",
            )
        assert attempt(Client(), world.client_a.email, PASSWORD, ip="10.0.3.1").status_code == 429


class TestSessions:
    def test_it_signs_out_after_the_idle_limit_and_says_why(self, world, http, time_machine):
        time_machine.move_to(START, tick=False)
        sign_in(http, world.client_a.user)
        assert http.get(reverse("today")).status_code == 200

        time_machine.shift(dt.timedelta(seconds=settings.SESSION_IDLE_SECONDS + 1))
        response = http.get(reverse("today"))
        assert response["Location"].startswith("/sign-in/")
        page = http.get(response["Location"])
        assert b"without activity" in page.content
        assert http.get(reverse("today")).status_code == 302

    def test_it_keeps_an_active_person_signed_in(self, world, http, time_machine):
        time_machine.move_to(START, tick=False)
        sign_in(http, world.client_a.user)
        for _ in range(4):
            time_machine.shift(dt.timedelta(seconds=settings.SESSION_IDLE_SECONDS - 60))
            assert http.get(reverse("today")).status_code == 200

    def test_it_ends_even_an_active_session_at_the_absolute_limit(self, world, http, time_machine):
        time_machine.move_to(START, tick=False)
        sign_in(http, world.client_a.user)
        assert http.get(reverse("today")).status_code == 200
        step = dt.timedelta(seconds=settings.SESSION_IDLE_SECONDS - 60)
        elapsed = dt.timedelta()
        while elapsed + step <= dt.timedelta(seconds=settings.SESSION_MAX_SECONDS):
            time_machine.shift(step)
            elapsed += step
            assert http.get(reverse("today")).status_code == 200
        time_machine.shift(step)
        response = http.get(reverse("today"))
        assert response["Location"].startswith("/sign-in/")
        assert b"signed in for a long time" in http.get(response["Location"]).content

    def test_it_ends_a_deactivated_persons_open_sessions(self, world, http):
        sign_in(http, world.clinician_a)
        assert http.get(reverse("caseload")).status_code == 200
        User.objects.filter(pk=world.clinician_a.pk).update(is_active=False)
        assert http.get(reverse("caseload"))["Location"].startswith("/sign-in/")

    def test_it_ends_other_sessions_when_the_password_changes(self, world):
        phone, laptop = Client(), Client()
        sign_in(phone, world.client_a.user)
        sign_in(laptop, world.client_a.user)
        new_password = "a brand new long passphrase 42"
        response = laptop.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": new_password,
                "new_password2": new_password,
            },
        )
        assert response["Location"] == reverse("account_settings")
        assert laptop.get(reverse("today")).status_code == 200
        assert phone.get(reverse("today"))["Location"].startswith("/sign-in/")
        assert AuditEvent.objects.filter(action="password.changed").count() == 1


class TestPasswordReset:
    def test_it_emails_a_link_and_the_new_password_still_needs_the_code(self, world, http):
        response = http.post(reverse("password_reset"), {"email": world.clinician_a.email})
        assert response["Location"] == reverse("password_reset_sent")
        assert len(mail.outbox) == 1
        link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
        uid = link.split("/")[2]
        assert urlsafe_base64_decode(uid) == world.clinician_a.public_id.bytes  # no row ids

        choose = http.get(link, follow=True)
        new_password = "another long passphrase 99"
        done = http.post(
            choose.request["PATH_INFO"],
            {"new_password1": new_password, "new_password2": new_password},
        )
        assert done["Location"] == reverse("sign_in")
        assert http.get(reverse("caseload")).status_code == 302  # not signed in by the reset

        signed = http.post(
            reverse("sign_in"), {"username": world.clinician_a.email, "password": new_password}
        )
        assert signed["Location"] == reverse("sign_in_verify")
        assert http.get(reverse("caseload")).status_code == 302
        assert http.post(reverse("sign_in_verify"), {"code": current_code()}).status_code == 302
        assert http.get(reverse("caseload")).status_code == 200
        assert AuditEvent.objects.filter(action="password.reset").count() == 1

    def test_it_says_the_same_thing_whether_or_not_an_account_exists(self, world, http):
        known = http.post(reverse("password_reset"), {"email": world.client_a.email})
        unknown = http.post(reverse("password_reset"), {"email": "stranger@example.org"})
        assert known["Location"] == unknown["Location"]
        assert len(mail.outbox) == 1

    def test_it_refuses_a_used_reset_link(self, world, http):
        http.post(reverse("password_reset"), {"email": world.client_a.email})
        link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
        choose = http.get(link, follow=True)
        new_password = "another long passphrase 99"
        data = {"new_password1": new_password, "new_password2": new_password}
        http.post(choose.request["PATH_INFO"], data)
        again = Client().get(link, follow=True)
        assert b"This link cannot be used" in again.content


class TestPasswords:
    @pytest.fixture(autouse=True)
    def _real_hashers(self, settings):
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]

    def test_it_stores_passwords_with_argon2_and_accepts_long_ones_exactly(self, db):
        long_password = "x" * 31 + "Y" * 33
        user = User.objects.create_user("long@example.org", long_password, name="Long")
        assert user.password.startswith("argon2")
        assert user.check_password(long_password)
        assert not user.check_password(long_password[:-1])

    def test_it_refuses_short_and_common_passwords_without_composition_rules(self):
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        for weak in ("short", "password1234", "123456789012"):
            with pytest.raises(ValidationError):
                validate_password(weak)
        validate_password("quiet river morning light")  # no digits or symbols needed


def test_it_rejects_a_form_posted_without_its_csrf_token(world):
    http = Client(enforce_csrf_checks=True)
    response = http.post(
        reverse("sign_in"), {"username": world.client_a.email, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert b"This form had expired" in response.content
    assert b"Traceback" not in response.content


def test_it_sends_protective_headers_on_every_page(world, http):
    sign_in(http, world.client_a.user)
    for url in (reverse("sign_in"), reverse("today"), reverse("account_settings")):
        response = http.get(url)
        assert response["Cache-Control"] == "no-store"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        csp = response["Content-Security-Policy"]
        for directive in (
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "script-src 'self'",
        ):
            assert directive in csp
