"""A client's contact details, on one page with two doors: the client's own and their
primary clinician's. A cover clinician sees them only on the risk episode page."""

from __future__ import annotations

import uuid
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tending.accounts.access import (
    client_required,
    clinician_required,
    get_client_for_user,
    signed_in_user,
)
from tending.accounts.models import ClientProfile
from tending.audit.services import record
from tending.safety.contact import StaleEdit, save_contact_details
from tending.safety.forms_contact import ContactDetailsForm
from tending.safety.models import CONTACT_FIELDS, ContactDetails

STALE = (
    "These details were changed while you had this page open, so nothing was saved yet. "
    "What you typed is still in the boxes below. Check it against the latest details, "
    "then save again."
)


def _page(request: HttpRequest, client: ClientProfile, *, for_client: bool) -> HttpResponse:
    details = ContactDetails.objects.filter(client=client).select_related("updated_by").first()
    saved = details.values() if details else dict.fromkeys(CONTACT_FIELDS, "")
    version = details.version if details else 0
    if request.method != "POST":
        initial = ContactDetailsForm.initial_for(saved, version=version, token=uuid.uuid4())
        form = ContactDetailsForm(initial=initial, saved=saved, for_client=for_client)
        return _render(request, client, details, form, for_client=for_client)

    form = ContactDetailsForm(request.POST, saved=saved, for_client=for_client)
    if not form.is_valid():
        return _render(request, client, details, form, for_client=for_client, status=400)
    editor = signed_in_user(request)
    if editor is None:  # both doors admit signed-in people only
        raise PermissionDenied
    try:
        result = save_contact_details(
            request=request,
            client=client,
            editor=editor,
            based_on=form.cleaned_data["version"],
            token=form.cleaned_data["token"],
            values=form.values(),
        )
    except StaleEdit as stale:
        # Shown again with what this person typed, now based on the latest save.
        data = request.POST.copy()
        data["version"] = str(stale.latest.version)
        form = ContactDetailsForm(data, saved=stale.latest.values(), for_client=for_client)
        form.is_valid()
        form.add_error(None, STALE)
        return _render(
            request, client, stale.latest, form, for_client=for_client, status=409, stale=True
        )
    if result.outcome == "unchanged":
        messages.info(request, "Nothing had changed, so there was nothing to save.")
    else:
        messages.success(request, _saved_message(client, for_client=for_client))
    return redirect(request.path)


def _saved_message(client: ClientProfile, *, for_client: bool) -> str:
    if for_client:
        return "Saved. Thank you: your therapist can see these details now."
    return f"Saved. {client.name} can see these details on their account page."


def _viewed(
    request: HttpRequest, client: ClientProfile, details: ContactDetails | None, page: str
) -> None:
    record(
        action="contact_details.viewed",
        request=request,
        client=client,
        target=details,
        detail={"page": page, "version": details.version if details else 0},
    )


def _render(
    request: HttpRequest,
    client: ClientProfile,
    details: ContactDetails | None,
    form: ContactDetailsForm,
    *,
    for_client: bool,
    status: int = 200,
    stale: bool = False,
) -> HttpResponse:
    """Render the page, recording the look at the details it shows."""
    _viewed(request, client, details, "stale edit" if stale else "page")
    context = {
        "client": client,
        "contact": details if details and not details.is_empty else None,
        "details": details,
        "form": form,
        "for_client": for_client,
        "stale": stale,
        "updated_by_me": details is not None and details.updated_by_id == request.user.pk,
    }
    return render(request, "safety/contact_details.html", context, status=status)


@client_required
def my_contact_details(request: HttpRequest) -> HttpResponse:
    return _page(request, request.client_profile, for_client=True)  # type: ignore[attr-defined]


@clinician_required
def client_contact_details(request: HttpRequest, client_id: UUID) -> HttpResponse:
    """The primary clinician's door (the caseload rule); anyone else gets 404."""
    return _page(request, get_client_for_user(request, client_id), for_client=False)
