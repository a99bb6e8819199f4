"""A clinician links a client's practice homework to a part of their formulation, or unlinks it."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from tending.accounts.access import caseload_for, clinician_required
from tending.formulation.forms import LinkForm
from tending.formulation.models import FormulationLink
from tending.formulation.parts import BY_KEY
from tending.formulation.services import add_link, remove_link
from tending.formulation.views.formulation import formulation_page, practice_assignments
from tending.formulation.views.place import Place, clinician_place


@require_POST
@clinician_required
def formulation_link_add(request: HttpRequest, client_id: UUID) -> HttpResponse:
    place = clinician_place(request, client_id)
    form = LinkForm(request.POST, assignments=practice_assignments(place))
    if not form.is_valid():
        return formulation_page(request, place, link_form=form, status=400)
    assignment = form.chosen()
    _, created = add_link(
        request=request,
        client=place.client,
        clinician=request.user,  # type: ignore[arg-type]
        part=form.cleaned_data["part"],
        assignment=assignment,
    )
    part = BY_KEY[form.cleaned_data["part"]].title
    if created:
        messages.success(request, f"Linked {assignment.title} to {part}.")
    else:
        messages.info(request, f"{assignment.title} was already linked to {part}.")
    return redirect(place.urls["formulation"] + "#practices")


@require_POST
@clinician_required
def formulation_link_remove(request: HttpRequest, link_id: UUID) -> HttpResponse:
    link = (
        FormulationLink.objects.select_related("formulation__client", "assignment__practice")
        .filter(public_id=link_id, formulation__client__in=caseload_for(request))
        .first()
    )
    if link is None:
        raise Http404
    place = Place(client=link.formulation.client, is_client=False)
    remove_link(request=request, client=place.client, link=link)
    messages.success(request, f"Unlinked {link.assignment.title} from {BY_KEY[link.part].title}.")
    return redirect(place.urls["formulation"] + "#practices")
