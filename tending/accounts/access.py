"""Who may see what: every view that touches people's records asks here, in one line.

Each rule is written once, here or in the module named, and every path uses it:

- a client sees only their own record (`get_client_for_user`, `client_required`);
- a clinician sees only the clients on their own caseload: those in the clinician's own
  organisation whose primary clinician they are (`on_caseload`, the one statement of the
  rule; `caseload_for`, `get_client_for_user` and the staff risk banner are built from it,
  the fast paths through `fastsql.Precompiled`, so a change to it changes them all);
- a clinician reads a client's journal entry only while the client shares it: saved, not a
  draft, and shared (`journal.models.shared_with_clinician`, used by the client's and the
  clinician's pages and the layer map);
- a clinician the organisation names as cover also sees a risk alert escalated to them, and
  only that alert, for as long as they remain named (`cover_membership`; the alert check is
  in `measures/views/clinician.py`);
- an organisation admin administers the organisation (members, invitations, crisis contacts,
  the audit trail, erasure) but sees no clinical records (`org_admin_required`);
- anything else is answered with 404, so nobody learns that a record exists, and a look at
  another person's record leaves an `access.denied` audit event.

Staff (clinicians and admins) must have passed two-factor verification in this session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar
from uuid import UUID

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q, QuerySet
from django.db.models.expressions import BaseExpression
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from tending.accounts.models import ClientProfile, Membership, User
from tending.audit.services import record
from tending.fastsql import Precompiled

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


def on_caseload(organisation_id: int, clinician_id: int, *, via: str = "") -> Q:
    """The caseload rule: the clients in the clinician's own organisation whose primary
    clinician they are. `via` is the path from the model queried to its client ("client__"
    for a client's alerts, responses and so on); "" queries clients themselves."""
    return Q(
        **{
            f"{via}organisation_id": organisation_id,
            f"{via}primary_clinician_id": clinician_id,
        }
    )


def caseload_for(request: HttpRequest) -> QuerySet[ClientProfile]:
    """Return the clients this request may see: a verified clinician's own caseload, or none."""
    membership = staff_membership(request, Membership.Role.CLINICIAN)
    if membership is None:
        return ClientProfile.objects.none()
    return ClientProfile.objects.filter(on_caseload(membership.organisation_id, membership.user_id))


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


# One compiled query per set of annotations asked for (see `get_client_for_user`).
_client_queries: dict[tuple[str, ...], Precompiled[ClientProfile]] = {}


def _client_query(annotations: Mapping[str, BaseExpression]) -> Precompiled[ClientProfile]:
    """A client on a clinician's caseload by public id, with what every client page shows."""
    key = tuple(annotations)
    query = _client_queries.get(key)
    if query is None:
        query = _client_queries[key] = Precompiled[ClientProfile](
            lambda organisation, clinician, client: (
                ClientProfile.objects.filter(on_caseload(organisation, clinician), public_id=client)
                .select_related("organisation", "primary_clinician", "user")
                .annotate(**annotations)
            ),
            organisation=int,
            clinician=int,
            client=UUID,
        )
    return query


def get_client_for_user(
    request: HttpRequest,
    client_id: UUID,
    *,
    annotations: Mapping[str, BaseExpression] | None = None,
) -> ClientProfile:
    """Return the client record `client_id` if this request may see it; otherwise raise 404.

    `annotations` (clinicians only) are read in the same query and set on the client, as
    `QuerySet.annotate` would; each name must always stand for the same expression (the
    query is compiled once per set of names).
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
    # This runs on every client page a clinician opens: the caseload rule's query, compiled
    # once (see tending/fastsql.py).
    client = (
        _client_query(annotations or {}).first(
            organisation=membership.organisation_id, clinician=membership.user_id, client=client_id
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
