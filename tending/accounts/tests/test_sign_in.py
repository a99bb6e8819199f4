from __future__ import annotations

import datetime as dt

import time_machine as timetravel
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tending.audit.models import AuditEvent
from tending.testing.personas import PASSWORD, current_code, make_staff

NOON = dt.datetime(2026, 11, 2, 12, 0, 5, tzinfo=dt.UTC)


def post_password(http: Client, email: str, password: str = PASSWORD, **extra):
    return http.post(reverse("sign_in"), {"username": email, "password": password}, **extra)


def test_it_signs_a_client_in_with_email_and_password_in_any_case(world, http):
    response = post_password(http, world.client_a.email.upper())

    assert response.status_code == 302
    today = http.get(response["Location"], follow=True)
    assert today.request["PATH_INFO"] == "/today/"
    assert b"Client CANARY-client_a" in today.content


def test_it_keeps_the_email_and_explains_a_wrong_password(world, http):
    response = post_password(http, world.client_a.email, "not the password")

    assert response.status_code == 400
    assert b"do not match an account" in response.content
    assert world.client_a.email.encode() in response.content
    assert http.get(reverse("today")).status_code == 302


def test_it_records_failed_and_successful_sign_ins(world, http):
    post_password(http, world.client_a.email, "wrong")
    post_password(http, "nobody@nowhere.example", "wrong")
    post_password(http, world.client_a.email)

    failed = list(AuditEvent.objects.filter(action="signin.failed").order_by("id"))
    assert [event.target_id for event in failed] == [str(world.client_a.user.public_id), ""]
    assert failed[0].organisation_id == world.org_a.public_id
    assert failed[1].detail["known_account"] is False
    # The address someone typed is not kept: it could have been a password.
    assert "nobody@nowhere.example" not in str(failed[1].detail)
    success = AuditEvent.objects.get(action="signin.succeeded")
    assert success.actor_id == world.client_a.user.public_id
    assert success.ip_address == "127.0.0.1"


def test_it_asks_staff_for_a_code_before_anything_is_reachable(world, http):
    response = post_password(http, world.clinician_a.email)

    assert response["Location"] == reverse("sign_in_verify")
    caseload = http.get(reverse("caseload"))
    assert caseload.status_code == 302 and caseload["Location"].startswith("/sign-in/")


@timetravel.travel(NOON, tick=False)
def test_it_signs_staff_in_with_a_current_code(world, http):
    post_password(http, world.clinician_a.email)
    response = http.post(reverse("sign_in_verify"), {"code": current_code()})

    assert response.status_code == 302
    caseload = http.get(reverse("caseload"))
    assert caseload.status_code == 200
    assert b"Client CANARY-client_a" in caseload.content
    event = AuditEvent.objects.get(action="signin.succeeded")
    assert event.detail == {"second_factor": "totp"}


@timetravel.travel(NOON, tick=False)
def test_it_refuses_a_code_that_was_already_used(world, http):
    code = current_code()
    post_password(http, world.clinician_a.email)
    http.post(reverse("sign_in_verify"), {"code": code})
    http.post(reverse("sign_out"))

    again = Client()
    post_password(again, world.clinician_a.email)
    response = again.post(reverse("sign_in_verify"), {"code": code})

    assert response.status_code == 400
    assert b"That code did not work" in response.content
    assert again.get(reverse("caseload")).status_code == 302


@timetravel.travel(NOON, tick=False)
def test_it_accepts_each_recovery_code_once(world, http):
    device = StaticDevice.objects.create(user=world.clinician_a, name="Recovery codes")
    StaticToken.objects.create(device=device, token="abcd2345")

    post_password(http, world.clinician_a.email)
    first = http.post(reverse("sign_in_verify"), {"code": "ABCD 2345"})
    assert first.status_code == 302
    assert http.get(reverse("caseload")).status_code == 200

    other = Client()
    post_password(other, world.clinician_a.email)
    second = other.post(reverse("sign_in_verify"), {"code": "abcd2345"})
    assert second.status_code == 400


def test_it_sends_the_person_back_to_the_password_after_five_wrong_codes(world, http):
    post_password(http, world.clinician_a.email)
    for _ in range(4):
        assert http.post(reverse("sign_in_verify"), {"code": "000000"}).status_code == 400
    response = http.post(reverse("sign_in_verify"), {"code": "000000"})

    assert response["Location"] == reverse("sign_in")
    assert http.get(reverse("sign_in_verify"))["Location"] == reverse("sign_in")


def test_it_forgets_a_half_finished_sign_in_after_five_minutes(world, http):
    with timetravel.travel(NOON, tick=False):
        post_password(http, world.clinician_a.email)
    with timetravel.travel(NOON + dt.timedelta(minutes=6), tick=False):
        response = http.post(reverse("sign_in_verify"), {"code": current_code()})
    assert response["Location"] == reverse("sign_in")


def test_it_makes_staff_without_two_step_set_it_up_before_clinical_pages(world, http, time_machine):
    time_machine.move_to(NOON, tick=False)
    newcomer = make_staff(world.org_a, "clinician", "newcomer", totp=False)

    response = post_password(http, newcomer.email)
    assert response["Location"] == reverse("two_factor_setup")
    blocked = http.get(reverse("caseload"), follow=True)
    assert blocked.request["PATH_INFO"] == reverse("two_factor_setup")

    setup = http.get(reverse("two_factor_setup"))
    assert b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    secret = setup.context["secret"].replace(" ", "")
    wrong = http.post(reverse("two_factor_setup"), {"code": "123456"})
    assert wrong.status_code == 400
    assert b"did not match" in wrong.content

    time_machine.shift(dt.timedelta(seconds=30))  # a wrong code pauses checking briefly
    confirmed = http.post(reverse("two_factor_setup"), {"code": current_code(secret)})
    assert confirmed["Location"] == reverse("recovery_codes")
    codes_page = http.get(reverse("recovery_codes"))
    assert len(codes_page.context["codes"]) == 10
    assert http.get(reverse("recovery_codes")).context["codes"] is None  # shown once
    device.refresh_from_db()
    assert device.confirmed
    assert http.get(reverse("caseload")).status_code == 200
    assert AuditEvent.objects.filter(action="two_factor.enabled", actor_id=newcomer.public_id)


def test_it_never_lets_a_password_alone_replace_the_authenticator(world, http):
    from tending.testing.personas import sign_in

    sign_in(http, world.clinician_a, verified=False)

    assert http.get(reverse("two_factor_setup"))["Location"] == reverse("two_factor_required")
    assert http.post(reverse("recovery_codes"))["Location"] == reverse("account_settings")
    # The gate signs a password-only session out rather than letting it continue.
    assert http.get(reverse("two_factor_required"))["Location"] == reverse("sign_in")
    assert http.get(reverse("account_settings")).status_code == 302


def test_it_does_not_let_staff_turn_two_step_off(world, http):
    from tending.testing.personas import sign_in

    sign_in(http, world.clinician_a)
    response = http.post(reverse("two_factor_remove"), {"password": PASSWORD})

    assert response["Location"] == reverse("account_settings")
    assert TOTPDevice.objects.filter(user=world.clinician_a, confirmed=True).exists()


def test_it_signs_out_and_the_old_session_no_longer_works(world, http):
    post_password(http, world.client_a.email)
    cookie = http.cookies["tending_session"].value

    http.post(reverse("sign_out"))
    replay = Client()
    replay.cookies["tending_session"] = cookie

    assert replay.get(reverse("today"))["Location"].startswith("/sign-in/")
    assert AuditEvent.objects.filter(action="signout").count() == 1


def test_it_gives_a_new_session_key_at_sign_in(world, http):
    http.get(reverse("sign_in"))
    http.session.save()
    before = http.session.session_key
    post_password(http, world.client_a.email)
    assert http.session.session_key != before


def test_a_next_address_that_is_not_a_path_on_this_site_is_ignored(world):
    for candidate in ("client_detail", "https://evil.example/", "//evil.example/"):
        response = Client().post(
            reverse("sign_in") + f"?next={candidate}",
            {"username": world.client_a.email, "password": PASSWORD},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
    kept = Client().post(
        reverse("sign_in"),
        {"username": world.client_a.email, "password": PASSWORD, "next": "/account/"},
    )
    assert kept["Location"] == "/account/"


def test_odd_characters_in_the_email_get_a_form_error_not_a_crash(world, http):
    response = post_password(http, "someone\x00@example.org", "whatever")
    assert response.status_code == 400


def test_each_setup_visit_gets_its_own_secret_so_a_password_alone_cannot_plant_one(
    world, time_machine
):
    time_machine.move_to(NOON, tick=False)
    newcomer = make_staff(world.org_a, "clinician", "newcomer", totp=False)
    intruder, owner = Client(), Client()
    for browser in (intruder, owner):
        post_password(browser, newcomer.email)
    planted = intruder.get(reverse("two_factor_setup")).context["secret"].replace(" ", "")
    real = owner.get(reverse("two_factor_setup")).context["secret"].replace(" ", "")
    assert planted != real

    # The intruder's secret no longer exists, so it cannot be confirmed...
    refused = intruder.post(reverse("two_factor_setup"), {"code": current_code(planted)})
    assert refused.status_code == 400
    # ...and the real person confirms their own (the intruder's visit started a new one).
    fresh = owner.get(reverse("two_factor_setup")).context["secret"].replace(" ", "")
    confirmed = owner.post(reverse("two_factor_setup"), {"code": current_code(fresh)})
    assert confirmed["Location"] == reverse("recovery_codes")
    assert TOTPDevice.objects.filter(user=newcomer, confirmed=True).count() == 1
    assert not TOTPDevice.objects.filter(user=newcomer, confirmed=False).exists()
