"""Anti-automation (ASVS 2.4.1): sign-in, invitations, password resets and exports pause calmly.

Each limit is lowered in the test so a burst of N+1 requests crosses it; the refused request
gets a 429 page that says when to try again, is audited, and keeps what the person typed;
another person or address is not touched.
"""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tending.accounts.models import ClientProfile, Invitation, RateLimitCount
from tending.accounts.services import invite_staff
from tending.audit.models import AuditEvent
from tending.testing.personas import PASSWORD, sign_in

# Five minutes into an hour, so no test crosses a window's end by accident.
START = dt.datetime(2026, 11, 2, 9, 5, tzinfo=dt.UTC)


@pytest.fixture
def limits(settings, time_machine):
    """Lower one limit: `limits("exports", 2)` allows two an hour."""
    time_machine.move_to(START, tick=False)

    def lower(name: str, allowed: int) -> None:
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, name: (allowed, 60 * 60)}

    return lower


def refusals(limit: str) -> int:
    return AuditEvent.objects.filter(
        action="rate_limit.exceeded", outcome="denied", detail__limit=limit
    ).count()


def assert_calm_429(response) -> None:
    assert response.status_code == 429
    assert b"try again at 10:00" in response.content
    assert response["Retry-After"] == str(55 * 60 + 1)
    assert b"Traceback" not in response.content


class TestExports:
    def test_it_pauses_a_persons_downloads_of_every_kind_together(self, world, limits):
        limits("exports", 2)
        http = sign_in(Client(), world.clinician_a)
        client_id = world.client_a.public_id
        assert http.get(reverse("client_csv", args=[client_id])).status_code == 200
        assert http.get(reverse("caseload_csv")).status_code == 200

        refused = http.get(reverse("client_progress_pdf", args=[client_id]))

        assert_calm_429(refused)
        assert b"downloads pause for a while" in refused.content
        assert refusals("exports") == 1
        assert not AuditEvent.objects.filter(action="client.progress_pdf_downloaded").exists()

    def test_it_leaves_other_people_free_to_download(self, world, limits):
        limits("exports", 1)
        first = sign_in(Client(), world.clinician_a)
        first.get(reverse("caseload_csv"))
        assert first.get(reverse("caseload_csv")).status_code == 429

        other = sign_in(Client(), world.clinician_a2)
        assert other.get(reverse("caseload_csv")).status_code == 200

    def test_it_opens_downloads_again_when_the_window_ends(self, world, limits, time_machine):
        limits("exports", 1)
        http = sign_in(Client(), world.clinician_a)
        http.get(reverse("caseload_csv"))
        assert http.get(reverse("caseload_csv")).status_code == 429

        time_machine.shift(dt.timedelta(minutes=56))
        http = sign_in(Client(), world.clinician_a)  # the session clock is not under test
        assert http.get(reverse("caseload_csv")).status_code == 200
        # Windows that ended are cleared away as new ones start.
        assert RateLimitCount.objects.count() == 1

    def test_it_pauses_the_audit_trail_download_too(self, world, limits):
        limits("exports", 1)
        http = sign_in(Client(), world.admin_a)
        assert http.get(reverse("audit_log_csv")).status_code == 200
        assert_calm_429(http.get(reverse("audit_log_csv")))
        assert refusals("exports") == 1

    def test_it_keeps_no_address_or_person_in_the_counts(self, world, limits):
        limits("exports", 5)
        sign_in(Client(), world.clinician_a).get(reverse("caseload_csv"))
        row = RateLimitCount.objects.get()
        assert str(world.clinician_a.public_id) not in row.key
        assert len(row.key) == 64


class TestInvitationsSent:
    def test_it_pauses_adding_clients_and_keeps_what_was_typed(self, world, limits):
        limits("invitations_sent", 1)
        http = sign_in(Client(), world.clinician_a)
        http.post(reverse("client_add"), {"name": "First Person", "email": "one@example.org"})

        refused = http.post(
            reverse("client_add"), {"name": "Robin Typed", "email": "robin.typed@example.org"}
        )

        assert_calm_429(refused)
        assert b"many invitations in a short time" in refused.content
        assert b'value="Robin Typed"' in refused.content
        assert b'value="robin.typed@example.org"' in refused.content
        assert not ClientProfile.objects.filter(email="robin.typed@example.org").exists()
        assert refusals("invitations_sent") == 1

    def test_it_counts_resent_and_staff_invitations_per_person(self, world, limits):
        limits("invitations_sent", 1)
        admin = sign_in(Client(), world.admin_a)
        invited = {"name": "New Colleague", "email": "colleague@example.org", "role": "clinician"}
        assert admin.post(reverse("member_invite"), invited).status_code == 302
        refused = admin.post(reverse("member_invite"), {**invited, "email": "two@example.org"})
        assert_calm_429(refused)
        assert b'value="two@example.org"' in refused.content

        clinician = sign_in(Client(), world.clinician_a)
        client = ClientProfile.objects.create(
            organisation=world.org_a,
            primary_clinician=world.clinician_a,
            name="No Account",
            email="no.account@example.org",
        )
        resend = reverse("client_invitation_resend", args=[client.public_id])
        assert clinician.post(resend).status_code == 302  # another person: still free
        assert_calm_429(clinician.post(resend))
        assert Invitation.objects.filter(client=client).count() == 1


class TestInvitationAccept:
    def _invitation_link(self, world, email: str) -> str:
        issued = invite_staff(
            request=None,
            organisation=world.org_a,
            created_by=world.admin_a,
            name="Invited Person",
            email=email,
            role="clinician",
        )
        return reverse("invitation_open", args=[issued.token])

    def test_it_pauses_links_tried_from_one_address(self, world, limits):
        limits("invitation_accept", 2)
        for number in range(2):
            guess = Client().get(
                reverse("invitation_open", args=[f"guess-{number}"]), REMOTE_ADDR="10.1.1.1"
            )
            assert guess.status_code == 302
        link = self._invitation_link(world, "real@example.org")

        refused = Client().get(link, REMOTE_ADDR="10.1.1.1")
        assert_calm_429(refused)
        assert refusals("invitation_accept") == 1
        event = AuditEvent.objects.get(action="rate_limit.exceeded")
        assert event.detail == {"limit": "invitation_accept", "page": "invitation_open"}
        assert link.split("/")[2] not in str(event.detail)  # the token is not kept

        elsewhere = Client()
        assert elsewhere.get(link, REMOTE_ADDR="10.2.2.2").status_code == 302
        page = elsewhere.get(reverse("invitation_accept"), REMOTE_ADDR="10.2.2.2")
        assert page.status_code == 200

    def test_it_refuses_before_the_password_is_typed(self, world, limits):
        limits("invitation_accept", 1)
        link = self._invitation_link(world, "late@example.org")
        http = Client(REMOTE_ADDR="10.3.3.3")
        assert http.get(link).status_code == 302
        # Someone else on the same network uses up the limit meanwhile.
        Client().get(reverse("invitation_open", args=["x"]), REMOTE_ADDR="10.3.3.3")

        page = http.get(reverse("invitation_accept"))
        assert_calm_429(page)
        assert b"password1" not in page.content

    def test_it_keeps_the_form_when_a_typed_password_is_refused(self, world, limits):
        limits("invitation_accept", 1)
        link = self._invitation_link(world, "typed@example.org")
        http = Client(REMOTE_ADDR="10.4.4.4")
        http.get(link)  # the one allowed request
        chosen = "gentle tide evening walk"

        refused = http.post(
            reverse("invitation_accept"), {"password1": chosen, "password2": chosen}
        )

        assert_calm_429(refused)
        assert b"Welcome, Invited Person" in refused.content
        assert b"many attempts from this network" in refused.content
        assert not Invitation.objects.filter(email="typed@example.org", accepted_at__isnull=False)


class TestPasswordReset:
    def test_it_pauses_requests_from_one_address(self, world, limits):
        limits("password_reset", 2)
        for number in range(2):
            Client().post(
                reverse("password_reset"),
                {"email": f"someone{number}@example.org"},
                REMOTE_ADDR="10.5.5.5",
            )

        refused = Client().post(
            reverse("password_reset"), {"email": world.client_a.email}, REMOTE_ADDR="10.5.5.5"
        )

        assert_calm_429(refused)
        assert world.client_a.email.encode() in refused.content  # what was typed is kept
        assert len(mail.outbox) == 0
        assert refusals("password_reset") == 1
        other = Client().post(
            reverse("password_reset"), {"email": world.client_a.email}, REMOTE_ADDR="10.6.6.6"
        )
        assert other["Location"] == reverse("password_reset_sent")
        assert len(mail.outbox) == 1

    def test_it_sends_one_address_only_so_many_emails(self, world, limits):
        limits("password_reset_email", 1)
        email = world.client_a.email
        Client().post(reverse("password_reset"), {"email": email}, REMOTE_ADDR="10.7.0.1")

        refused = Client().post(
            reverse("password_reset"), {"email": email.upper()}, REMOTE_ADDR="10.7.0.2"
        )

        assert_calm_429(refused)
        assert len(mail.outbox) == 1
        other = Client().post(
            reverse("password_reset"), {"email": world.client_b.email}, REMOTE_ADDR="10.7.0.2"
        )
        assert other.status_code == 302
        assert len(mail.outbox) == 2

    def test_it_answers_the_same_for_an_address_with_no_account(self, world, limits):
        limits("password_reset_email", 1)
        for _ in range(2):
            response = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
        assert response.status_code == 429
        assert refusals("password_reset_email") == 1


class TestSignIn:
    """Sign-in is throttled by django-axes (see test_account_security.py for the pause)."""

    def test_it_counts_failures_in_the_database_so_every_worker_sees_them(self):
        from axes.conf import settings as axes_settings

        assert axes_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"

    def test_it_pauses_one_account_without_touching_another_on_the_same_network(
        self, world, time_machine
    ):
        time_machine.move_to(START, tick=False)
        email = world.client_a.email
        for number in range(django_settings.AXES_FAILURE_LIMIT):
            Client().post(
                reverse("sign_in"),
                {"username": email, "password": "wrong"},
                REMOTE_ADDR=f"10.8.0.{number}",
            )
        assert AccessAttempt.objects.exists()
        locked = Client().post(
            reverse("sign_in"), {"username": email, "password": PASSWORD}, REMOTE_ADDR="10.8.0.1"
        )
        assert locked.status_code == 429

        other = Client().post(
            reverse("sign_in"),
            {"username": world.client_b.email, "password": PASSWORD},
            REMOTE_ADDR="10.8.0.1",
        )
        assert other.status_code == 302
