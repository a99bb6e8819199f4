from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tending.accounts.models import ClientProfile, Invitation, Membership, User
from tending.audit.models import AuditEvent
from tending.testing.personas import sign_in

NEW_PASSWORD = "gentle tide evening walk"


def invite(http: Client, name: str = "Robin Ash", email: str = "robin@example.org"):
    return http.post(reverse("client_add"), {"name": name, "email": email})


def link_from(message) -> str:
    return re.search(r"http://testserver(/invitations/\S+/)", message.body).group(1)


def accept(http: Client, link: str, password: str = NEW_PASSWORD):
    opened = http.get(link)
    assert opened["Location"] == reverse("invitation_accept")
    return http.post(reverse("invitation_accept"), {"password1": password, "password2": password})


def test_it_adds_a_client_and_emails_a_single_use_link(
    world, http, django_capture_on_commit_callbacks
):
    sign_in(http, world.clinician_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(http)

    client = ClientProfile.objects.get(email="robin@example.org")
    assert response["Location"] == client.get_absolute_url()
    assert client.primary_clinician == world.clinician_a
    assert client.organisation == world.org_a
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["robin@example.org"]
    assert "Org CANARY-org_a" in mail.outbox[0].subject
    # The token is stored only as a hash.
    token = link_from(mail.outbox[0]).split("/")[2]
    assert token not in Invitation.objects.get(client=client).token_hash
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "client.created",
        "invitation.sent",
    }


def test_it_adds_the_same_client_once_however_often_the_form_is_sent(
    world, http, django_capture_on_commit_callbacks
):
    sign_in(http, world.clinician_a)
    with django_capture_on_commit_callbacks(execute=True):
        first = invite(http)
        second = invite(http, email="ROBIN@example.org ")

    assert first["Location"] == second["Location"]
    assert ClientProfile.objects.filter(email="robin@example.org").count() == 1
    assert len(mail.outbox) == 1


def test_it_keeps_what_was_typed_when_the_email_is_invalid(world, http):
    sign_in(http, world.clinician_a)
    response = invite(http, name="Robin Ash", email="robin at example")

    assert response.status_code == 400
    assert b'value="Robin Ash"' in response.content
    assert b'value="robin at example"' in response.content
    assert b"Enter a valid email address" in response.content
    assert not ClientProfile.objects.filter(name="Robin Ash").exists()


def test_it_does_not_take_over_a_client_of_another_clinician(world, http):
    sign_in(http, world.clinician_a2)
    response = invite(http, name="Someone", email=world.client_a.email)

    assert response.status_code == 400
    # Neutral: it does not confirm who is a client of a colleague.
    assert b"cannot be added to your caseload" in response.content
    world.client_a.refresh_from_db()
    assert world.client_a.primary_clinician == world.clinician_a


def test_it_lets_the_client_set_a_password_and_sign_in(
    world, http, django_capture_on_commit_callbacks
):
    sign_in(http, world.clinician_a)
    with django_capture_on_commit_callbacks(execute=True):
        invite(http)
    visitor = Client()

    accepted = accept(visitor, link_from(mail.outbox[0]))
    assert accepted["Location"] == reverse("sign_in")
    # The sign-in page offers the address without putting it in the URL.
    assert b'value="robin@example.org"' in visitor.get(reverse("sign_in")).content
    signed = visitor.post(
        reverse("sign_in"), {"username": "robin@example.org", "password": NEW_PASSWORD}
    )
    assert signed["Location"] == reverse("home")
    today = visitor.get(reverse("today"))
    assert b"Hello, Robin Ash" in today.content
    assert ClientProfile.objects.get(email="robin@example.org").user.email == "robin@example.org"


def test_it_refuses_a_used_link(world, http, django_capture_on_commit_callbacks):
    sign_in(http, world.clinician_a)
    with django_capture_on_commit_callbacks(execute=True):
        invite(http)
    link = link_from(mail.outbox[0])
    accept(Client(), link)

    again = Client()
    again.get(link)
    response = again.post(
        reverse("invitation_accept"), {"password1": "x" * 20, "password2": "x" * 20}
    )
    assert response.status_code == 404
    assert b"already been used" in response.content
    assert User.objects.filter(email="robin@example.org").count() == 1


def test_it_refuses_an_expired_link(world, http, django_capture_on_commit_callbacks, time_machine):
    sign_in(http, world.clinician_a)
    with django_capture_on_commit_callbacks(execute=True):
        invite(http)
    time_machine.move_to(timezone.now() + dt.timedelta(days=8))

    visitor = Client()
    visitor.get(link_from(mail.outbox[0]))
    response = visitor.get(reverse("invitation_accept"))
    assert response.status_code == 404
    assert b"has expired" in response.content


def test_it_refuses_a_tampered_link(world, http, django_capture_on_commit_callbacks):
    sign_in(http, world.clinician_a)
    with django_capture_on_commit_callbacks(execute=True):
        invite(http)
    link = link_from(mail.outbox[0])
    tampered = link[:-2] + ("A" if link[-2] != "A" else "B") + "/"

    visitor = Client()
    visitor.get(tampered)
    response = visitor.post(
        reverse("invitation_accept"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 404
    assert b"not complete or not valid" in response.content
    assert not User.objects.filter(email="robin@example.org").exists()


def test_a_new_invitation_replaces_the_old_link(
    world, http, django_capture_on_commit_callbacks, time_machine
):
    sign_in(http, world.clinician_a)
    with django_capture_on_commit_callbacks(execute=True):
        invite(http)
    client = ClientProfile.objects.get(email="robin@example.org")
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        http.post(reverse("client_invitation_resend", args=[client.public_id]))

    assert len(mail.outbox) == 2
    old, new = link_from(mail.outbox[0]), link_from(mail.outbox[1])
    stale = Client()
    stale.get(old)
    assert b"replaced by a newer one" in stale.get(reverse("invitation_accept")).content
    assert accept(Client(), new)["Location"] == reverse("sign_in")


def test_a_double_clicked_resend_sends_one_email(world, http, django_capture_on_commit_callbacks):
    client = world.client_a
    client.user = None
    client.save()
    sign_in(http, world.clinician_a)
    url = reverse("client_invitation_resend", args=[client.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        http.post(url)
        http.post(url)
    assert len(mail.outbox) == 1
    page = http.get(reverse("client_detail", args=[client.public_id]))
    assert b"less than a minute ago" in page.content


def test_it_explains_a_weak_password_and_creates_nothing(
    world, http, django_capture_on_commit_callbacks
):
    sign_in(http, world.clinician_a)
    with django_capture_on_commit_callbacks(execute=True):
        invite(http)
    visitor = Client()
    response = accept(visitor, link_from(mail.outbox[0]), password="password")

    assert response.status_code == 400
    assert b"This password is too short" in response.content
    assert not User.objects.filter(email="robin@example.org").exists()


def test_an_admin_invites_a_clinician_who_must_set_up_two_step(
    world, http, django_capture_on_commit_callbacks
):
    sign_in(http, world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        http.post(
            reverse("member_invite"),
            {"name": "Nia Hope", "email": "nia@clinic.example", "role": "clinician"},
        )
    visitor = Client()
    accept(visitor, link_from(mail.outbox[0]))

    membership = Membership.objects.get(user__email="nia@clinic.example")
    assert (membership.organisation, membership.role) == (world.org_a, "clinician")
    signed = visitor.post(
        reverse("sign_in"), {"username": "nia@clinic.example", "password": NEW_PASSWORD}
    )
    assert signed["Location"] == reverse("two_factor_setup")
    assert visitor.get(reverse("caseload"), follow=True).request["PATH_INFO"] == reverse(
        "two_factor_setup"
    )


def test_a_double_submitted_staff_invitation_sends_one_working_link(
    world, http, django_capture_on_commit_callbacks
):
    sign_in(http, world.admin_a)
    data = {"name": "Nia Hope", "email": "nia@clinic.example", "role": "clinician"}
    with django_capture_on_commit_callbacks(execute=True):
        http.post(reverse("member_invite"), data)
        http.post(reverse("member_invite"), data)

    assert Invitation.objects.filter(email="nia@clinic.example").count() == 1
    assert len(mail.outbox) == 1
    assert accept(Client(), link_from(mail.outbox[0]))["Location"] == reverse("sign_in")
