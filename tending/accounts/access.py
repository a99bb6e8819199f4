"""Who may see what: every view that touches people's records asks here, in one line.

The rules:
- a client sees only their own record;
- a clinician sees only the clients on their own caseload, in their own organisation;
- a clinician the organisation names as cover also sees a risk alert escalated to them, and
  only that alert, for as long as they remain named (`cover_membership`);
- an organisation admin administers the organisation but sees no clinical records;
- anything else is answered with 404, so nobody learns that a record exists.

Staff (clinicians and admins) must have passed two-factor verification in this session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from uuid import UUID

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from tending.accounts.models import ClientProfile, Membership, User
from tending.audit.services import record
from tending.fastsql import fetch_one, uuid_param

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def signed_in_user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def is_verified(request: HttpRequest) -> bool:
    """Return True when this session passed a second factor (django-otp sets this)."""
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def staff_membership(request: HttpRequest, role: str) -> Membership | None:
    """Return the signed-in user's membership when it has `role` and passed 2FA, else None."""
    user = signed_in_user(request)
    membership: Membership | None = getattr(user, "membership", None) if user else None
    if membership is None or membership.role != role or not is_verified(request):
        return None
    return membership


def _role_required(*roles: str) -> Callable[[View], View]:
    """Admit signed-in people whose role is one of `roles`; staff must have passed 2FA.

    Sets `request.client_profile` for clients and `request.membership` for staff.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = signed_in_user(request)
            if user is None:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if user.role not in roles:
                raise Http404
            if user.role == "client":
                request.client_profile = user.client_profile  # type: ignore[attr-defined]
                return view(request, *args, **kwargs)
            if not is_verified(request):
                # Staff without a verified second factor go to set one up or to enter one.
                return redirect("two_factor_required")
            request.membership = user.membership  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


client_required = _role_required("client")
clinician_required = _role_required(Membership.Role.CLINICIAN)
org_admin_required = _role_required(Membership.Role.ADMIN)
# Clients and clinicians both practise; admins administer and see no practice records.
practitioner_required = _role_required("client", Membership.Role.CLINICIAN)


def organisation_id_of(request: HttpRequest) -> int:
    """Return the organisation of a request admitted by one of the decorators above."""
    profile = getattr(request, "client_profile", None)
    if profile is not None:
        return int(profile.organisation_id)
    return int(request.membership.organisation_id)  # type: ignore[attr-defined]


def caseload_for(request: HttpRequest) -> QuerySet[ClientProfile]:
    """Return the clients this request may see: a verified clinician's own caseload, or none."""
    membership = staff_membership(request, Membership.Role.CLINICIAN)
    if membership is None:
        return ClientProfile.objects.none()
    return ClientProfile.objects.filter(
        organisation_id=membership.organisation_id, primary_clinician_id=membership.user_id
    )


def cover_membership(request: HttpRequest) -> Membership | None:
    """Return the verified clinician's membership while their organisation names them as cover
    for unacknowledged risk alerts; otherwise None."""
    membership = staff_membership(request, Membership.Role.CLINICIAN)
    if membership is None:
        return None
    organisation = membership.organisation
    if not organisation.active_cover().filter(pk=membership.user_id).exists():
        return None
    return membership


def get_client_for_user(
    request: HttpRequest, client_id: UUID, *, annotations: tuple[tuple[str, str], ...] = ()
) -> ClientProfile:
    """Return the client record `client_id` if this request may see it; otherwise raise 404.

    `annotations` (clinicians only) are read in the same query: see `fastsql.fetch_one`. The
    client row is `t0`.
    """
    user = signed_in_user(request)
    if user is None:
        raise Http404
    # Staff have no client profile; asking for one would cost a query on every staff page.
    own: ClientProfile | None = (
        getattr(user, "client_profile", None) if user.role == "client" else None
    )
    if own is not None:
        if own.public_id != client_id:
            _record_denied(request, user, client_id)
            raise Http404
        return own
    membership = staff_membership(request, Membership.Role.CLINICIAN)
    # The same rule as `caseload_for`, in plain SQL: this runs on every client page a
    # clinician opens (see tending/fastsql.py).
    client = (
        fetch_one(
            ClientProfile,
            "t0.public_id = %s AND t0.organisation_id = %s AND t0.primary_clinician_id = %s",
            [
                uuid_param(ClientProfile, "public_id", client_id),
                membership.organisation_id,
                membership.user_id,
            ],
            joins=("organisation", "primary_clinician", "user"),
            annotations=annotations,
        )
        if membership is not None
        else None
    )
    if client is None:
        _record_denied(request, user, client_id)
        raise Http404
    return client


def _record_denied(request: HttpRequest, user: User, client_id: UUID) -> None:
    """Leave a trace, in the requester's own organisation, of a look at someone else's record."""
    record(
        action="access.denied",
        request=request,
        actor=user,
        outcome="denied",
        organisation=user.organisation,
        detail={"requested_client": str(client_id)},
    )
