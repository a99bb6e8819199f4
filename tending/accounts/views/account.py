"""Your own account: password, two-step sign-in and recovery codes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

from tending.accounts import two_factor
from tending.accounts.access import is_verified
from tending.accounts.forms import RemoveTwoFactorForm, SetupCodeForm
from tending.accounts.models import User
from tending.audit.services import record

NEW_RECOVERY_CODES = "tending_new_recovery_codes"
SETUP_DEVICE = "tending_setup_device"


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _may_change_two_factor(request: HttpRequest) -> bool:
    """Changing factors needs the current factor: a password alone must never be enough."""
    return is_verified(request) or not two_factor.has_two_factor(_user(request))


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "has_two_factor": two_factor.has_two_factor(user),
        "recovery_codes_left": two_factor.recovery_codes_left(user),
        "two_factor_optional": not user.needs_two_factor,
    }
    return render(request, "accounts/account_settings.html", context)


@sensitive_post_parameters()
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.needs_two_factor and not is_verified(request):
        return redirect("two_factor_required")
    form = PasswordChangeForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            two_factor.discard_unconfirmed(user)
            record(action="password.changed", request=request, actor=user)
        # Keeps this session; every other session of this account ends.
        update_session_auth_hash(request, form.user)
        messages.success(request, "Your password is changed. Other devices are signed out.")
        return redirect("account_settings")
    status = 400 if form.errors else 200
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


@sensitive_post_parameters("code")
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not _may_change_two_factor(request):
        return redirect("two_factor_required")
    form = SetupCodeForm(request.POST if request.method == "POST" else None)
    device = None
    if request.method == "POST" and form.is_valid():
        device_id = request.session.get(SETUP_DEVICE)
        codes = two_factor.confirm_authenticator(
            request, user, device_id, form.cleaned_data["code"]
        )
        if codes is not None:
            request.session.pop(SETUP_DEVICE, None)
            request.session[NEW_RECOVERY_CODES] = codes
            messages.success(request, "Two-step sign-in is on.")
            return redirect("recovery_codes")
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
        form.add_error(
            "code",
            "That code did not match. Check the app shows Tending, wait for its next code, "
            "then type it.",
        )
    if device is None:
        # Each visit gets its own secret, tied to this session.
        device = two_factor.start_authenticator_setup(user)
        request.session[SETUP_DEVICE] = device.pk
    context = {
        "form": form,
        "qr_svg": two_factor.qr_code_svg(device),
        "secret": two_factor.secret_for_typing(device),
        "replacing": two_factor.has_two_factor(user),
    }
    return render(
        request, "accounts/two_factor_setup.html", context, status=400 if form.errors else 200
    )


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show a new set of recovery codes once; POST makes a new set."""
    user = _user(request)
    if not two_factor.has_two_factor(user) or not is_verified(request):
        return redirect("account_settings")
    if request.method == "POST":
        request.session[NEW_RECOVERY_CODES] = two_factor.create_recovery_codes(request, user)
        return redirect("recovery_codes")
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@sensitive_post_parameters("password")
@login_required
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.needs_two_factor or not two_factor.has_two_factor(user):
        # Staff cannot turn it off: anyone who can see others' records needs it.
        return redirect("account_settings")
    if not is_verified(request):
        return redirect("two_factor_required")
    form = RemoveTwoFactorForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        two_factor.remove_two_factor(request, user)
        messages.success(request, "Two-step sign-in is off.")
        return redirect("account_settings")
    status = 400 if form.errors else 200
    return render(request, "accounts/two_factor_remove.html", {"form": form}, status=status)
