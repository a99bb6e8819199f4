"""django-otp's middleware, with the authenticator device loaded in plain SQL.

Every staff request loads the device its session was verified with. django-otp builds that
query through the ORM each time; here the common case, an authenticator app (TOTP), is read
with SQL built once (see tending/fastsql.py). Other devices (recovery codes) take
django-otp's own path. Everything else, including the checks that the device belongs to the
user and is confirmed, is django-otp's.
"""

from __future__ import annotations

from typing import Any

from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from tending.fastsql import fetch_one


class TwoFactorMiddleware(OTPMiddleware):
    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        label, _, pk = self._normalize_persistent_id(persistent_id).rpartition("/")
        if label != TOTPDevice.model_label():
            return super()._device_from_persistent_id(persistent_id)
        try:
            number = int(pk)
        except ValueError:
            return None
        return fetch_one(TOTPDevice, "t0.id = %s", [number])
