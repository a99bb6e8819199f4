"""Sign-in by e-mail and password, loading each request's user with their role in one query."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from tending.accounts.models import User
from tending.fastsql import fetch_one

# The authenticator (TOTP) device id this request's session was verified with, set by
# TwoFactorMiddleware while the user is loaded, so that the device comes in the same query.
_expected_device: ContextVar[int | None] = ContextVar("tending_expected_device", default=None)

DEVICE_CACHE = "totpdevice"  # where fetch_one leaves the joined device on the user
_STAFF = ("membership", "membership__organisation")
_MISSING = object()


@contextmanager
def loading_device(device_id: int | None) -> Iterator[None]:
    """While inside, a user loaded by AccountBackend brings the TOTP device `device_id` along
    (if it is theirs), found afterwards with `prefetched_device`."""
    token = _expected_device.set(device_id)
    try:
        yield
    finally:
        _expected_device.reset(token)


def prefetched_device(user: Any, device_id: int) -> tuple[bool, TOTPDevice | None]:
    """(True, the device or None if it is not this user's) if it came with the user."""
    cached = getattr(getattr(user, "_state", None), "fields_cache", {})
    device = cached.get(DEVICE_CACHE, _MISSING)
    if device is _MISSING or (device is not None and device.pk != device_id):
        return False, None
    return True, device


class AccountBackend(ModelBackend):
    """Django's model backend, but a signed-in staff member arrives with their membership and
    organisation joined in: every staff page needs both, and with the authenticator device
    their session was verified with, which every staff page checks. (Joining the client
    profile as well measured slower than loading it when a client page asks for it.)"""

    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        device_id = _expected_device.get()
        # select_related("membership__organisation"), in plain SQL built once (fastsql.py).
        if device_id is None:
            user = fetch_one(User, "t0.id = %s", [pk], joins=_STAFF)
        else:
            user = fetch_one(
                User,
                "t0.id = %s",
                [device_id, pk],
                joins=(*_STAFF, DEVICE_CACHE),
                join_on=((DEVICE_CACHE, "t3.id = %s"),),
            )
        return user if user is not None and self.user_can_authenticate(user) else None
