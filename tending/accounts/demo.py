"""Demo data: two fictional organisations to explore Tending with. Never for real use.

Sign-in secrets come from TENDING_DEMO_PASSWORD and TENDING_DEMO_TOTP_SECRET, or are made
once and kept in `var/demo-credentials.json` (owner-only) so every run prints the same ones.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tending.accounts.models import (
    ClientProfile,
    CrisisContact,
    Invitation,
    Membership,
    Organisation,
    User,
    hash_token,
)


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    domain: str
    crisis_message: str
    contacts: tuple[tuple[str, str, str, str], ...]  # name, phone, text, description
    admin: str
    clinicians: tuple[str, str]
    clients: tuple[str, str, str, str, str, str]


# Helpline numbers from shared/clinical-facts.md, section E3 (check them before any release).
ORGANISATIONS = (
    DemoOrganisation(
        name="Riverside Compassion Clinic",
        domain="riverside.example",
        crisis_message="If your life is at risk right now, call 999. These services answer "
        "at any hour:",
        contacts=(
            ("Samaritans", "116 123", "", "Free, 24 hours a day"),
            ("NHS 111, option 2", "111", "", "Mental health crisis line, 24 hours, England"),
            ("Shout", "", "85258", "Text SHOUT, 24 hours a day"),
        ),
        admin="Morgan Hale",
        clinicians=("Asha Patel", "Tom Okafor"),
        clients=(
            "Sam Rivers",
            "Jordan Lee",
            "Priya Shah",
            "Alex Morgan",
            "Chris Doyle",
            "Robin Ellis",
        ),
    ),
    DemoOrganisation(
        name="Northfield Wellbeing Service",
        domain="northfield.example",
        crisis_message="If you are in danger right now, call 911.",
        contacts=(("988 Suicide & Crisis Lifeline", "988", "988", "Call or text, 24 hours"),),
        admin="Dana Brooks",
        clinicians=("Lena Fischer", "Marcus Webb"),
        clients=(
            "Taylor Grant",
            "Casey Young",
            "Jamie Ortiz",
            "Riley Chen",
            "Avery Stone",
            "Quinn Hart",
        ),
    ),
)


class DemoError(Exception):
    """A demo setting is unusable; the message says which and why."""


@dataclass(frozen=True)
class DemoSecrets:
    password: str
    totp_secret: str  # base32, as authenticator apps show it
    changed: bool  # differs from what the last run used


def _email(name: str, domain: str) -> str:
    return f"{name.split()[0].lower()}@{domain}"


def load_secrets(data_dir: Path) -> DemoSecrets:
    """Return the demo password and TOTP secret from the environment or the saved file."""
    path = data_dir / "demo-credentials.json"
    saved: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    password = os.environ.get("TENDING_DEMO_PASSWORD") or saved.get("password")
    secret = os.environ.get("TENDING_DEMO_TOTP_SECRET") or saved.get("totp_secret")
    password = password or secrets.token_urlsafe(12)
    secret = (secret or base64.b32encode(secrets.token_bytes(20)).decode()).replace(" ", "")
    secret = secret.upper()
    try:
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    except binascii.Error:
        raise DemoError(
            "TENDING_DEMO_TOTP_SECRET must be base32 (letters A-Z, digits 2-7)."
        ) from None
    if len(key) < 16:  # 128 bits, the floor RFC 4226 sets for shared secrets
        raise DemoError("TENDING_DEMO_TOTP_SECRET must be at least 26 base32 characters.")
    changed = saved != {"password": password, "totp_secret": secret}
    if changed:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"password": password, "totp_secret": secret}, handle)
    return DemoSecrets(password=password, totp_secret=secret, changed=changed)


def _hex_key(secret: str) -> str:
    return base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()


@transaction.atomic
def load_demo_data(demo: DemoSecrets) -> tuple[bool, list[tuple[str, str, str]]]:
    """Create the demo organisations once, or bring their secrets up to date.

    Return (created, sign-ins) where each sign-in is (organisation, role, email).
    """
    created = False
    # Hashed once for everyone, and only when needed: Argon2 is slow on purpose.
    password_hash = make_password(demo.password) if demo.changed else ""
    sign_ins: list[tuple[str, str, str]] = []
    for spec in ORGANISATIONS:
        organisation = Organisation.objects.filter(name=spec.name).first()
        if organisation is None:
            password_hash = password_hash or make_password(demo.password)
            organisation = _create_organisation(spec, password_hash)
            created = True
        staff = User.objects.filter(membership__organisation=organisation)
        if demo.changed:
            clients = User.objects.filter(client_profile__organisation=organisation)
            staff.update(password=password_hash)
            clients.update(password=password_hash)
        TOTPDevice.objects.filter(user__in=staff).update(key=_hex_key(demo.totp_secret))
        for membership in organisation.memberships.select_related("user").order_by("role", "id"):
            sign_ins.append((spec.name, membership.get_role_display(), membership.user.email))
        for client in organisation.clients.select_related("user").order_by("id"):
            role = "Client" if client.user else "Client (invited, no account yet)"
            sign_ins.append((spec.name, role, client.email))
    return created, sign_ins


def _create_organisation(spec: DemoOrganisation, password_hash: str) -> Organisation:
    organisation = Organisation.objects.create(name=spec.name, crisis_message=spec.crisis_message)
    for position, (name, phone, text, description) in enumerate(spec.contacts):
        CrisisContact.objects.create(
            organisation=organisation,
            name=name,
            phone=phone,
            text_number=text,
            description=description,
            position=position,
        )
    _staff(spec.admin, spec.domain, organisation, Membership.Role.ADMIN, password_hash)
    clinicians = [
        _staff(name, spec.domain, organisation, Membership.Role.CLINICIAN, password_hash)
        for name in spec.clinicians
    ]
    # The two clinicians cover for each other when a risk alert waits unacknowledged.
    organisation.cover_clinicians.set(clinicians)
    now = timezone.now()
    for index, name in enumerate(spec.clients):
        clinician = clinicians[index % 2]
        email = _email(name, "clients." + spec.domain)
        profile = ClientProfile.objects.create(
            organisation=organisation, primary_clinician=clinician, name=name, email=email
        )
        accepted = index < len(spec.clients) - 1  # the last one has not accepted yet
        if accepted:
            profile.user = User.objects.create(email=email, name=name, password=password_hash)
            profile.save(update_fields=["user"])
        Invitation.objects.create(
            organisation=organisation,
            role=Invitation.Role.CLIENT,
            email=email,
            name=name,
            client=profile,
            token_hash=hash_token(secrets.token_urlsafe(32)),
            created_by=clinician,
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
            accepted_at=now if accepted else None,
        )
    return organisation


def _staff(
    name: str, domain: str, organisation: Organisation, role: str, password_hash: str
) -> User:
    user = User.objects.create(email=_email(name, domain), name=name, password=password_hash)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
    return user
