"""Workflows that change accounts: each is atomic and writes its own audit events."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login
from django.core.mail import BadHeaderError, send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tending.accounts.models import (
    ClientProfile,
    CrisisContact,
    Invitation,
    Membership,
    Organisation,
    User,
    hash_token,
    normalise_email,
)
from tending.audit.services import record
from tending.revisions import services as revisions
from tending.web.sessions import start_session_clock

logger = logging.getLogger(__name__)

MODEL_BACKEND = "tending.accounts.backends.AccountBackend"
# A second "send" within this window is a double click or a retry: do not e-mail twice.
RESEND_GRACE = timedelta(seconds=60)


class InvitationError(Exception):
    """An invitation cannot be used; `reason` says why, in words a person can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ClientOnAnotherCaseload(Exception):
    """The e-mail address belongs to a client of another clinician in the organisation."""


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str


def absolute_url(request: HttpRequest | None, path: str) -> str:
    """Return the full URL for `path`, preferring the configured TENDING_SITE_URL."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    return "http://127.0.0.1:8000" + path


def _send_invitation_email(issued: IssuedInvitation, request: HttpRequest | None) -> None:
    invitation = issued.invitation
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "link": absolute_url(request, reverse("invitation_open", args=[issued.token])),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    organisation_name = " ".join(invitation.organisation.name.split())  # one header line
    try:
        send_mail(
            subject=f"You are invited to Tending by {organisation_name}",
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except (OSError, BadHeaderError):
        # The invitation is saved; the sender can resend it from the client's page.
        logger.exception("Could not send invitation %s", invitation.public_id)


def _issue_invitation(
    *,
    request: HttpRequest | None,
    organisation: Organisation,
    created_by: User,
    role: str,
    email: str,
    name: str,
    client: ClientProfile | None = None,
) -> IssuedInvitation | None:
    """Create and e-mail an invitation, replacing older ones; None if one was just sent."""
    now = timezone.now()
    pending = Invitation.objects.filter(
        organisation=organisation, email=email, accepted_at=None, revoked_at=None
    )
    if pending.filter(role=role, created_at__gt=now - RESEND_GRACE).exists():
        return None  # sent moments ago: a double click or a retry, not a new request
    token = secrets.token_urlsafe(32)
    pending.update(revoked_at=now)
    invitation = Invitation.objects.create(
        organisation=organisation,
        role=role,
        email=email,
        name=name,
        client=client,
        token_hash=hash_token(token),
        created_by=created_by,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    issued = IssuedInvitation(invitation=invitation, token=token)
    record(
        action="invitation.sent",
        request=request,
        actor=created_by,
        organisation=organisation,
        client=client,
        target=invitation,
        detail={"role": role},
    )
    transaction.on_commit(lambda: _send_invitation_email(issued, request))
    return issued


@transaction.atomic
def invite_client(
    *, request: HttpRequest, clinician: Membership, name: str, email: str
) -> tuple[ClientProfile, bool]:
    """Add a client to `clinician`'s caseload and e-mail them an invitation.

    Return (client, created). Posting the same address again returns the existing client of
    this caseload without a second e-mail, so a double click or a retry changes nothing.
    """
    email = normalise_email(email)
    existing = ClientProfile.objects.filter(
        organisation_id=clinician.organisation_id, email=email
    ).first()
    if existing is not None:
        if existing.primary_clinician_id != clinician.user_id:
            raise ClientOnAnotherCaseload
        return existing, False
    client = ClientProfile.objects.create(
        organisation_id=clinician.organisation_id,
        primary_clinician_id=clinician.user_id,
        name=name.strip(),
        email=email,
    )
    record(action="client.created", request=request, client=client, target=client)
    revisions.client_changed(client)  # a new row on the caseload
    _issue_invitation(
        request=request,
        organisation=clinician.organisation,
        created_by=clinician.user,
        role=Invitation.Role.CLIENT,
        email=email,
        name=client.name,
        client=client,
    )
    return client, True


@transaction.atomic
def resend_client_invitation(*, request: HttpRequest, client: ClientProfile) -> str:
    """E-mail a fresh invitation (the old link stops working).

    Return "sent", "recent" (one went out under a minute ago, so nothing was sent) or
    "has_account".
    """
    if client.has_account:
        return "has_account"
    issued = _issue_invitation(
        request=request,
        organisation=client.organisation,
        created_by=client.primary_clinician,
        role=Invitation.Role.CLIENT,
        email=client.email,
        name=client.name,
        client=client,
    )
    return "sent" if issued is not None else "recent"


@transaction.atomic
def invite_staff(
    *,
    request: HttpRequest | None,
    organisation: Organisation,
    created_by: User,
    name: str,
    email: str,
    role: str,
) -> IssuedInvitation | None:
    """Invite a clinician or an organisation admin; None if the same was sent moments ago."""
    return _issue_invitation(
        request=request,
        organisation=organisation,
        created_by=created_by,
        role=role,
        email=normalise_email(email),
        name=name.strip(),
    )


def find_invitation(token: str) -> Invitation:
    """Return the usable invitation for `token`, or raise InvitationError with the reason."""
    invitation = (
        Invitation.objects.select_related("organisation", "client")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationError("invalid")
    status = invitation.status(timezone.now())
    if status != "pending":
        raise InvitationError(status)
    return invitation


@transaction.atomic
def accept_invitation(*, request: HttpRequest, token: str, password: str) -> User:
    """Create the invited person's account with `password` and use up the invitation."""
    invitation = find_invitation(token)
    # Lock the row so two simultaneous submissions cannot both accept it.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status(timezone.now()) != "pending":
        raise InvitationError(invitation.status(timezone.now()))
    if User.objects.filter(email=invitation.email).exists():
        raise InvitationError("email_taken")
    user = User.objects.create_user(invitation.email, password, name=invitation.name)
    if invitation.role == Invitation.Role.CLIENT:
        if invitation.client is None or invitation.client.user_id is not None:
            raise InvitationError("accepted")
        invitation.client.user = user
        invitation.client.save(update_fields=["user"])
        revisions.client_changed(invitation.client)
    else:
        Membership.objects.create(
            user=user, organisation=invitation.organisation, role=invitation.role
        )
        revisions.caseload_changed(user.pk)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(
        action="invitation.accepted",
        request=request,
        actor=user,
        organisation=invitation.organisation,
        client=invitation.client,
        target=invitation,
        detail={"role": invitation.role},
    )
    return user


def complete_sign_in(request: HttpRequest, user: User, *, second_factor: str = "") -> None:
    """Start a signed-in session for `user` and record it.

    `second_factor` names the kind of device that was verified ("totp", "recovery_code"), or
    is empty when no second factor was used.
    """
    login(request, user, backend=MODEL_BACKEND)
    start_session_clock(request)
    record(
        action="signin.succeeded",
        request=request,
        actor=user,
        organisation=user.organisation,
        detail={"second_factor": second_factor or "none"},
    )


@transaction.atomic
def update_organisation(
    *,
    request: HttpRequest,
    organisation: Organisation,
    contacts: list[CrisisContact],
    removed: list[CrisisContact],
) -> None:
    """Save the organisation's settings and its ordered crisis contacts together."""
    organisation.save()
    for contact in removed:
        if contact.pk:
            contact.delete()
    existing = {(c.name, c.phone, c.text_number) for c in organisation.crisis_contacts.all()}
    for position, contact in enumerate(contacts):
        if contact.pk is None and (contact.name, contact.phone, contact.text_number) in existing:
            continue  # the same form posted twice: keep one copy
        contact.organisation = organisation
        contact.position = position
        contact.save()
    record(
        action="organisation.updated",
        request=request,
        organisation=organisation,
        target=organisation,
        detail={"crisis_contacts": len(contacts)},
    )


class MemberHasClients(Exception):
    """A clinician with clients on their caseload cannot be deactivated yet."""


@transaction.atomic
def deactivate_member(*, request: HttpRequest, membership: Membership) -> None:
    """Stop a staff member signing in; their open sessions end on their next request."""
    if membership.user.caseload.exists():
        raise MemberHasClients
    membership.user.is_active = False
    membership.user.save(update_fields=["is_active"])
    record(
        action="member.deactivated",
        request=request,
        organisation=membership.organisation,
        target=membership.user,
    )
