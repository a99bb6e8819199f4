"""A clinician's caseload: their clients, adding and inviting one, and a client's record."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tending.accounts.access import caseload_for, clinician_required, get_client_for_user
from tending.accounts.forms import ClientForm
from tending.accounts.models import ClientProfile, Invitation
from tending.accounts.services import (
    ClientOnAnotherCaseload,
    invite_client,
    resend_client_invitation,
)
from tending.accounts.throttling import check, person, rate_limited, with_retry_after
from tending.audit.services import record


def _caseload_page(request: HttpRequest, form: ClientForm, status: int = 200) -> HttpResponse:
    latest_invitations = Prefetch(
        "invitations", queryset=Invitation.objects.order_by("-created_at", "-id")
    )
    clients = list(caseload_for(request).prefetch_related(latest_invitations))
    now = timezone.now()
    rows = [{"client": client, "status": _account_status(client, now)} for client in clients]
    return render(request, "accounts/caseload.html", {"rows": rows, "form": form}, status=status)


def _account_status(client: ClientProfile, now: datetime) -> str:
    if client.has_account:
        return "Active"
    invitations = list(client.invitations.all())
    if not invitations:
        return "Not invited"
    state = invitations[0].status(now)
    return {"pending": "Invited", "expired": "Invitation expired"}.get(state, "Not invited")


@clinician_required
def caseload(request: HttpRequest) -> HttpResponse:
    return _caseload_page(request, ClientForm())


@require_POST
@clinician_required
def client_add(request: HttpRequest) -> HttpResponse:
    form = ClientForm(request.POST)
    refusal = check(request, "invitations_sent", person(request)) if form.is_valid() else None
    if refusal is not None:
        form.add_error(None, f"You have sent many invitations in a short time. {refusal.message()}")
        return with_retry_after(_caseload_page(request, form, status=429), refusal)
    if form.is_valid():
        try:
            client, created = invite_client(
                request=request,
                clinician=request.membership,  # type: ignore[attr-defined]
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
            )
        except ClientOnAnotherCaseload:
            form.add_error(
                "email",
                "This email address cannot be added to your caseload. "
                "Ask your organisation admin for help.",
            )
        else:
            if created:
                messages.success(
                    request, f"{client.name} is on your caseload. We emailed them an invitation."
                )
            else:
                messages.info(request, f"{client.name} was already on your caseload.")
            return redirect(client)
    return _caseload_page(request, form, status=400)


@clinician_required
def client_detail(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = get_client_for_user(request, client_id)
    record(action="client.record_opened", request=request, client=client, target=client)
    invitation = client.invitations.order_by("-created_at", "-id").first()
    context = {
        "client": client,
        "status": _account_status(client, timezone.now()),
        "invitation": invitation,
    }
    return render(request, "accounts/client_detail.html", context)


@require_POST
@clinician_required
@rate_limited("invitations_sent")
def client_invitation_resend(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = get_client_for_user(request, client_id)
    outcome = resend_client_invitation(request=request, client=client)
    if outcome == "sent":
        messages.success(request, "We emailed a new invitation. The old link no longer works.")
    elif outcome == "recent":
        messages.info(
            request, "An invitation went out less than a minute ago. Give it a few minutes."
        )
    else:
        messages.info(request, f"{client.name} already has an account.")
    return redirect(client)
