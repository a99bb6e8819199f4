"""The two-step device a staff session was verified with, loaded with the user in one query.

Every staff page checks it (tending/accounts/otp_middleware.py): the session names a TOTP
device, which must be the signed-in person's own and confirmed. Loading it in the user's own
query must not loosen any of that.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tending.testing.personas import sign_in


def _name_device(http, device) -> None:
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _dashboard(http):
    with CaptureQueriesContext(connection) as queries:
        response = http.get(reverse("dashboard"))
    return response, [query["sql"] for query in queries.captured_queries]


def test_a_verified_clinician_arrives_with_their_device_in_the_users_own_query(http, world):
    sign_in(http, world.clinician_a)
    response, sql = _dashboard(http)
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=world.clinician_a)
    assert response.wsgi_request.user.otp_device == device
    assert response.wsgi_request.user.is_verified()
    table = TOTPDevice._meta.db_table
    assert not any(query.startswith("SELECT") and f'FROM "{table}"' in query for query in sql)
    assert sum(1 for query in sql if f'"{table}"' in query) == 1  # joined to the user


def test_a_session_naming_someone_elses_device_is_not_verified(http, world):
    sign_in(http, world.clinician_a, verified=False)
    _name_device(http, TOTPDevice.objects.get(user=world.clinician_b))
    response, _ = _dashboard(http)
    assert response.status_code == 302  # sent to the code step, not shown the caseload
    assert DEVICE_ID_SESSION_KEY not in http.session


def test_a_session_naming_an_unconfirmed_device_is_not_verified(http, world):
    device = TOTPDevice.objects.get(user=world.clinician_a)
    device.confirmed = False
    device.save()
    sign_in(http, world.clinician_a, verified=False)
    _name_device(http, device)
    response, _ = _dashboard(http)
    assert response.status_code == 302
    assert DEVICE_ID_SESSION_KEY not in http.session


def test_a_session_naming_a_deleted_device_is_not_verified(http, world):
    sign_in(http, world.clinician_a)
    TOTPDevice.objects.filter(user=world.clinician_a).delete()
    response, _ = _dashboard(http)
    assert response.status_code == 302
    assert DEVICE_ID_SESSION_KEY not in http.session


def test_a_session_verified_with_a_recovery_code_device_still_counts(http, world):
    device = StaticDevice.objects.create(user=world.clinician_a, name="Recovery codes")
    sign_in(http, world.clinician_a, verified=False)
    _name_device(http, device)
    response, _ = _dashboard(http)
    assert response.status_code == 200
    assert response.wsgi_request.user.otp_device == device
