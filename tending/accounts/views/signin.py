"""Signing in (password, then a second factor), signing out, and the 2FA gate for staff."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from tending.accounts import two_factor
from tending.accounts.access import is_verified, signed_in_user
from tending.accounts.forms import CodeForm, SignInForm
from tending.accounts.models import User, normalise_email
from tending.accounts.services import complete_sign_in
from tending.audit.services import record
from tending.web import resume
from tending.web.sessions import SIGNED_OUT_REASON

SIGN_IN_EMAIL = "tending_sign_in_email"
PENDING_USER = "tending_pending_user"
PENDING_SINCE = "tending_pending_since"
PENDING_FAILURES = "tending_pending_failures"
PENDING_NEXT = "tending_pending_next"
# The code must follow the password within this many seconds, in at most this many tries.
PENDING_SECONDS = 5 * 60
PENDING_MAX_FAILURES = 5


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    """Return `candidate` if it is a path on this site, else "" (never a URL name or host)."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return ""


def _go_next(next_url: str) -> HttpResponse:
    return HttpResponseRedirect(next_url) if next_url else redirect("home")


def _signed_out_message(request: HttpRequest) -> str:
    reason = request.session.pop(SIGNED_OUT_REASON, None)
    if reason == "idle":
        return (
            "You were signed out after a while without activity, to keep your information private."
        )
    if reason == "max":
        return (
            "You were signed out because you had been signed in for a long time. "
            "Please sign in again."
        )
    return ""


@sensitive_post_parameters("password")
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    if signed_in_user(request) is not None and request.method == "GET":
        return redirect("home")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SignInForm(
        request,
        data=request.POST if request.method == "POST" else None,
        initial={"username": request.session.pop(SIGN_IN_EMAIL, "")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            return _after_password(request, form.get_user(), next_url)
        status = 400
        if getattr(request, "axes_locked_out", False):
            request.tending_lockout_explained = True  # type: ignore[attr-defined]
            form.errors.clear()
            form.add_error(
                None,
                "Too many unsuccessful attempts to sign in. For your safety, signing in is "
                "paused for a few minutes. You can reset your password if you have forgotten it.",
            )
            status = 429
        _record_failed_password(request, form.cleaned_data.get("username", ""))
    context = {
        "form": form,
        "next": next_url,
        "signed_out_message": _signed_out_message(request),
        "form_kept": resume.is_waiting(request),
    }
    return render(request, "accounts/sign_in.html", context, status=status)


def _record_failed_password(request: HttpRequest, typed_email: str) -> None:
    # Keep no raw attempted address in the trail: people sometimes type a password there.
    email = normalise_email(typed_email)
    target = User.objects.filter(email=email).first() if email else None
    record(
        action="signin.failed",
        request=request,
        actor=None,
        outcome="failure",
        organisation=target.organisation if target else None,
        target=target,
        detail={
            "stage": "password",
            "known_account": target is not None,
            "locked_out": bool(getattr(request, "axes_locked_out", False)),
        },
    )


def _after_password(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    if two_factor.has_two_factor(user):
        request.session.cycle_key()
        request.session[PENDING_USER] = user.pk
        request.session[PENDING_SINCE] = int(time.time())
        request.session[PENDING_FAILURES] = 0
        request.session[PENDING_NEXT] = next_url
        return redirect("sign_in_verify")
    complete_sign_in(request, user)
    if user.needs_two_factor:
        messages.info(request, "Before you go on, set up two-step sign-in for your account.")
        return redirect("two_factor_setup")
    # A form kept at an idle sign-out is sent again from its own page, so go there first.
    return _go_next(resume.claim(request, user) or next_url)


def _pending_user(request: HttpRequest) -> User | None:
    user_pk = request.session.get(PENDING_USER)
    since = request.session.get(PENDING_SINCE, 0)
    if user_pk is None or time.time() - since > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_pk, is_active=True).first()


def _forget_pending(request: HttpRequest) -> None:
    for key in (PENDING_USER, PENDING_SINCE, PENDING_FAILURES, PENDING_NEXT):
        request.session.pop(key, None)


@sensitive_post_parameters("code")
@never_cache
def sign_in_verify(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        _forget_pending(request)
        messages.info(request, "Please sign in again.")
        return redirect("sign_in")
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        paused = two_factor.is_throttled(user)
        device = two_factor.verify_second_factor(user, form.cleaned_data["code"])
        if device is not None:
            next_url = request.session.get(PENDING_NEXT, "")
            _forget_pending(request)
            kind = "recovery_code" if device.__class__.__name__ == "StaticDevice" else "totp"
            user.otp_device = device  # type: ignore[attr-defined]
            complete_sign_in(request, user, second_factor=kind)
            if kind == "recovery_code":
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code. You have {left} left: "
                    "you can make a new set in your account settings.",
                )
            return _go_next(resume.claim(request, user) or next_url)
        failures = request.session.get(PENDING_FAILURES, 0) + 1
        request.session[PENDING_FAILURES] = failures
        record(
            action="signin.failed",
            request=request,
            outcome="failure",
            organisation=user.organisation,
            target=user,
            detail={"stage": "second_factor", "failures": failures},
        )
        if failures >= PENDING_MAX_FAILURES:
            _forget_pending(request)
            messages.error(request, "That code did not work several times. Please sign in again.")
            return redirect("sign_in")
        if paused:
            form.add_error(
                None,
                "Several codes did not work, so we are pausing briefly. "
                "Wait a moment, then try the newest code.",
            )
        else:
            form.add_error(
                "code",
                "That code did not work. Codes change every 30 seconds: type the newest one.",
            )
        status = 400
    return render(request, "accounts/sign_in_verify.html", {"form": form}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user is not None:
        record(action="signout", request=request, actor=user, organisation=user.organisation)
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("sign_in")


@never_cache
def two_factor_required(request: HttpRequest) -> HttpResponse:
    """Where staff land when a page needs a verified second factor they have not given."""
    user = signed_in_user(request)
    if user is None:
        return redirect("sign_in")
    if is_verified(request):
        return redirect("home")
    if not two_factor.has_two_factor(user):
        return redirect("two_factor_setup")
    # Signed in with a password only, although a second factor exists: start again.
    logout(request)
    messages.info(request, "Please sign in again with your code.")
    return redirect("sign_in")
