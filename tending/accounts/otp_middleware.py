"""django-otp's middleware, with the authenticator device loaded in the user's own query.

Every staff request loads the device its session was verified with. django-otp does that with
a second query built through the ORM each time; here, for the common case of an authenticator
app (TOTP), the device comes in the same plain-SQL query as the user (AccountBackend), and
failing that is read with SQL built once (see tending/fastsql.py). Other devices (recovery
codes) take django-otp's own path. Everything else, including the checks that the device
belongs to the user and is confirmed, is django-otp's.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from tending.accounts.backends import loading_device, prefetched_device
from tending.fastsql import fetch_one


class TwoFactorMiddleware(OTPMiddleware):
    def _totp_id(self, persistent_id: Any) -> int | None:
        """The TOTP device's id in a session's persistent device id, if it names one."""
        if not isinstance(persistent_id, str):
            return None
        label, _, pk = self._normalize_persistent_id(persistent_id).rpartition("/")
        if label != TOTPDevice.model_label():
            return None
        try:
            return int(pk)
        except ValueError:
            return None

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        """django-otp's check, but the user is loaded with the session's TOTP device."""
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        device_id = self._totp_id(persistent_id)
        with loading_device(device_id):
            self._init_user_fields(user)  # the first touch loads the user (a lazy object)
        if not user.is_authenticated:
            return user
        device = None
        if persistent_id:
            found, device = (
                prefetched_device(user, device_id) if device_id is not None else (False, None)
            )
            if not found:
                device = self._device_from_persistent_id(persistent_id)
        user.otp_device = self._finalize_device(request, user, device)
        return user

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        label = self._normalize_persistent_id(persistent_id).rpartition("/")[0]
        if label != TOTPDevice.model_label():
            return super()._device_from_persistent_id(persistent_id)
        number = self._totp_id(persistent_id)
        return None if number is None else fetch_one(TOTPDevice, "t0.id = %s", [number])
