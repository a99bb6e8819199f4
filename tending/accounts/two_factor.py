"""Second factors: an authenticator app (TOTP) and single-use recovery codes (django-otp)."""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp import verify_token as otp_verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tending.accounts.models import User
from tending.audit.services import record

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def has_two_factor(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


def start_authenticator_setup(user: User) -> TOTPDevice:
    """Return a new unconfirmed authenticator with a fresh secret for `user`.

    Earlier unconfirmed ones are deleted: a secret shown to one session (perhaps someone who
    only knows the password) must never be the one the real person later confirms.
    """
    discard_unconfirmed(user)
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def discard_unconfirmed(user: User) -> None:
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


def qr_code_svg(device: TOTPDevice) -> str:
    """Return an inline SVG QR code of the device's otpauth:// set-up address."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    svg: str = image.to_string(encoding="unicode")
    # Replace fixed millimetre sizes so CSS can size the code to the screen.
    return re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)


def secret_for_typing(device: TOTPDevice) -> str:
    """Return the base32 secret in groups of four, for people who cannot scan the code."""
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def verify_second_factor(user: User, code: str) -> Device | None:
    """Return the device that accepts `code` (six digits or a recovery code), else None.

    Each device counts its own failures and refuses codes for a growing time after each one.
    """
    code = _clean(code)
    if re.fullmatch(r"\d{6}", code):
        devices: list[Device] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        verified = otp_verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def is_throttled(user: User) -> bool:
    """Return True while every confirmed device of `user` is refusing codes after failures."""
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    return bool(devices) and all(not device.verify_is_allowed()[0] for device in devices)


@transaction.atomic
def create_recovery_codes(request: HttpRequest, user: User) -> list[str]:
    """Replace `user`'s recovery codes with a new set and return them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record(action="two_factor.recovery_codes_created", request=request, actor=user)
    return codes


@transaction.atomic
def confirm_authenticator(
    request: HttpRequest, user: User, device_id: int | None, code: str
) -> list[str] | None:
    """Confirm this session's pending authenticator with `code`; return recovery codes or None.

    A confirmed authenticator replaces any earlier one, and this session counts as verified.
    """
    device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None or not device.verify_token(_clean(code)):
        record(action="two_factor.setup_failed", request=request, actor=user, outcome="failure")
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    record(action="two_factor.enabled", request=request, actor=user)
    return create_recovery_codes(request, user)


@transaction.atomic
def remove_two_factor(request: HttpRequest, user: User) -> None:
    """Remove every second factor of `user` (allowed only where 2FA is optional)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(action="two_factor.disabled", request=request, actor=user)


def recovery_codes_left(user: User) -> int:
    count: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return count
