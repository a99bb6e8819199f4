"""Downloads of everything about a client, and erasure by the organisation's admin."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tending.accounts.access import (
    client_required,
    clinician_required,
    get_client_for_user,
    org_admin_required,
)
from tending.accounts.models import ClientProfile, Membership
from tending.accounts.throttling import rate_limited
from tending.audit.services import record
from tending.privacy import services
from tending.privacy.forms import EraseForm, FindClientForm


def _zip_response(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    name = f"tending-export-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@client_required
@rate_limited("exports")
def export_own(request: HttpRequest) -> HttpResponse:
    """The client's own complete copy, private journal entries included."""
    client: ClientProfile = request.client_profile  # type: ignore[attr-defined]
    return _zip_response(
        services.export_client(request=request, client=client, include_private=True)
    )


@clinician_required
@rate_limited("exports")
def export_for_client(request: HttpRequest, client_id: UUID) -> HttpResponse:
    """A copy made by the clinician on the client's behalf: what the clinician may read."""
    client = get_client_for_user(request, client_id)
    return _zip_response(
        services.export_client(request=request, client=client, include_private=False)
    )


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined, no-any-return]


def _client_of_organisation(request: HttpRequest, client_id: UUID) -> ClientProfile:
    membership = _membership(request)
    client = (
        ClientProfile.objects.select_related("primary_clinician", "organisation")
        .filter(organisation_id=membership.organisation_id, public_id=client_id)
        .first()
    )
    if client is None:
        record(
            action="access.denied",
            request=request,
            outcome="denied",
            organisation=membership.organisation,
            detail={"requested_client": str(client_id)},
        )
        raise Http404
    return client


@org_admin_required
def erase_start(request: HttpRequest) -> HttpResponse:
    """Find a client of this organisation by reference, then confirm on the next page."""
    form = FindClientForm(request.GET if "reference" in request.GET else None)
    if form.is_bound and form.is_valid():
        reference = form.cleaned_data["reference"]
        organisation_id = _membership(request).organisation_id
        if ClientProfile.objects.filter(
            organisation_id=organisation_id, public_id=reference
        ).exists():
            return redirect("privacy_erase_confirm", client_id=reference)
        form.add_error("reference", "No client of your organisation has that reference.")
    context = {"form": form, "erased": "erased" in request.GET}
    return render(request, "privacy/erase_start.html", context, status=400 if form.errors else 200)


def _confirm_page(
    request: HttpRequest, client: ClientProfile, form: EraseForm, status: int = 200
) -> HttpResponse:
    context = {
        "client": client,
        "form": form,
        # A total only: the kinds of record (a risk alert, say) would tell an admin, who sees
        # no clinical content, something about the client's care.
        "records": sum(services.record_counts(client).values()),
    }
    return render(request, "privacy/erase_confirm.html", context, status=status)


@org_admin_required
def erase_confirm(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = _client_of_organisation(request, client_id)
    return _confirm_page(request, client, EraseForm())


@org_admin_required
@require_POST
def erase(request: HttpRequest, client_id: UUID) -> HttpResponse:
    organisation = _membership(request).organisation
    if services.was_erased(organisation=organisation, client_id=client_id):
        # A repeated or double-submitted request: the client is already gone.
        return redirect(f"{_erased_url()}?erased={client_id}")
    client = _client_of_organisation(request, client_id)
    form = EraseForm(request.POST)
    if not form.is_valid():
        return _confirm_page(request, client, form, status=400)
    services.erase_client(request=request, organisation=organisation, client_id=client_id)
    return redirect(f"{_erased_url()}?erased={client_id}")


def _erased_url() -> str:
    return reverse("privacy_erase_start")
