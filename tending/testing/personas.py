"""The people every test can use.

Organisation A has an admin, clinician A (clients A and B on her caseload) and clinician A2
(client A2). Organisation B has an admin, a clinician and one client. Every name carries a
canary such as CANARY-client_a, so a test can prove a page leaked nothing it should not.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass

import pyotp
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tending.accounts.models import ClientProfile, Membership, Organisation, User
from tending.revisions import services as revisions
from tending.web.sessions import SESSION_LAST_SEEN, SESSION_STARTED

PASSWORD = "correct horse battery staple 7"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    admin_a: User
    clinician_a: User
    clinician_a2: User
    admin_b: User
    clinician_b: User
    client_a: ClientProfile
    client_b: ClientProfile
    client_a2: ClientProfile
    client_other: ClientProfile

    def persona(self, name: str) -> User | None:
        """Return the user behind a persona name; "anonymous" is None."""
        if name == "anonymous":
            return None
        value = getattr(self, name)
        return value.user if isinstance(value, ClientProfile) else value


def make_staff(organisation: Organisation, role: str, key: str, *, totp: bool = True) -> User:
    user = User.objects.create_user(
        f"{key}@{organisation.pk}.example", PASSWORD, name=f"Staff CANARY-{key}"
    )
    Membership.objects.create(user=user, organisation=organisation, role=role)
    if totp:
        TOTPDevice.objects.create(
            user=user, name="Phone", confirmed=True, key=base64.b32decode(TOTP_SECRET).hex()
        )
    return user


def make_client(
    organisation: Organisation, clinician: User, key: str, *, account: bool = True
) -> ClientProfile:
    email = f"{key}@clients.example"
    user = (
        User.objects.create_user(email, PASSWORD, name=f"Client CANARY-{key}") if account else None
    )
    client = ClientProfile.objects.create(
        organisation=organisation,
        primary_clinician=clinician,
        user=user,
        name=f"Client CANARY-{key}",
        email=email,
    )
    revisions.client_changed(client)  # as invite_client does
    return client


def build_world() -> World:
    org_a = Organisation.objects.create(name="Org CANARY-org_a")
    org_b = Organisation.objects.create(name="Org CANARY-org_b")
    clinician_a = make_staff(org_a, Membership.Role.CLINICIAN, "clinician_a")
    clinician_a2 = make_staff(org_a, Membership.Role.CLINICIAN, "clinician_a2")
    clinician_b = make_staff(org_b, Membership.Role.CLINICIAN, "clinician_b")
    return World(
        org_a=org_a,
        org_b=org_b,
        admin_a=make_staff(org_a, Membership.Role.ADMIN, "admin_a"),
        clinician_a=clinician_a,
        clinician_a2=clinician_a2,
        admin_b=make_staff(org_b, Membership.Role.ADMIN, "admin_b"),
        clinician_b=clinician_b,
        client_a=make_client(org_a, clinician_a, "client_a"),
        client_b=make_client(org_a, clinician_a, "client_b"),
        client_a2=make_client(org_a, clinician_a2, "client_a2"),
        client_other=make_client(org_b, clinician_b, "client_other"),
    )


def current_code(secret: str = TOTP_SECRET) -> str:
    return str(pyotp.TOTP(secret).now())


def sign_in(http: Client, user: User | None, *, verified: bool = True) -> Client:
    """Sign `user` in on `http`; staff count as having passed 2FA unless `verified=False`."""
    if user is None:
        return http
    http.force_login(user, backend="tending.accounts.backends.AccountBackend")
    session = http.session
    # A fresh sign-in starts the session clock again, as the real sign-in does.
    session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = int(time.time())
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if verified and device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return http
