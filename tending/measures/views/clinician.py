"""A clinician's view of a client's questionnaires, paper entry, risk alerts and FHIR export."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tending.accounts.access import (
    caseload_for,
    clinician_required,
    get_client_for_user,
)
from tending.accounts.models import ClientProfile
from tending.audit.services import record
from tending.measures import fhir
from tending.measures.definitions import Definition, get_definition, load_definitions
from tending.measures.forms import (
    NEEDS_WORDING,
    QuestionnaireForm,
    RequestForm,
    needs_wording_error,
)
from tending.measures.models import MeasureRequest, Response
from tending.measures.reliable_change import ChangeError, classify_change
from tending.measures.services import (
    NotAnswerableOnline,
    answerable_online,
    presentation_for,
    request_measure,
    submit_response,
)
from tending.safety.models import RiskEpisode


def _definition_or_404(key: str) -> Definition:
    try:
        return get_definition(key)
    except KeyError:
        raise Http404 from None


def _history(responses: list[Response], definition: Definition) -> list[dict[str, Any]]:
    """Each response with change since the first (baseline) and the previous complete one."""
    rows, baseline, previous = [], None, None
    for response in responses:  # oldest first
        row: dict[str, Any] = {
            "response": response,
            "since_baseline": None,
            "since_last": None,
            "subscale_values": [response.subscales.get(sub.key) for sub in definition.subscales],
        }
        if response.complete and response.total is not None and definition.total is not None:
            try:
                if baseline is not None:
                    row["since_baseline"] = classify_change(definition, baseline, response.total)
                if previous is not None:
                    row["since_last"] = classify_change(definition, previous, response.total)
            except ChangeError:
                row["no_change_rule"] = True
            baseline = response.total if baseline is None else baseline
            previous = response.total
        rows.append(row)
    return list(reversed(rows))  # newest first on the page


@clinician_required
def client_measures(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = get_client_for_user(request, client_id)
    answerable = answerable_online(client.organisation_id, load_definitions())
    return _measures_page(request, client, RequestForm(answerable=answerable), answerable)


def _measures_page(
    request: HttpRequest,
    client: ClientProfile,
    request_form: RequestForm,
    answerable: set[str],
    status: int = 200,
) -> HttpResponse:
    record(action="client.measures_viewed", request=request, client=client, target=client)
    responses = list(Response.objects.filter(client=client).order_by("completed_at", "id"))
    definitions = load_definitions()
    measures = []
    for key in sorted({r.measure_key for r in responses}):
        definition = definitions[key]
        own = [r for r in responses if r.measure_key == key]
        measures.append({"definition": definition, "rows": _history(own, definition)})
    waiting = [
        {"request": asked, "online": asked.measure_key in answerable}
        for asked in MeasureRequest.objects.filter(client=client, completed_at=None)
    ]
    context = {
        "client": client,
        "measures": measures,
        "open_episode": RiskEpisode.objects.filter(client=client, closed_at=None).first(),
        "request_form": request_form,
        "waiting": waiting,
        "definitions": sorted(definitions.values(), key=lambda d: d.short_title),
        "needs_wording": NEEDS_WORDING,
    }
    return render(request, "measures/client_measures.html", context, status=status)


@require_POST
@clinician_required
def measure_request(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = get_client_for_user(request, client_id)
    answerable = answerable_online(client.organisation_id, load_definitions())
    form = RequestForm(request.POST, answerable=answerable)
    if form.is_valid():
        definition = _definition_or_404(form.cleaned_data["measure"])
        try:
            _, created = request_measure(
                request=request,
                clinician=request.membership.user,  # type: ignore[attr-defined]
                client=client,
                definition=definition,
                show_summary=form.cleaned_data["show_summary"],
            )
        except NotAnswerableOnline:  # its wording was removed since the form was checked
            form.add_error("measure", needs_wording_error(definition))
        else:
            messages.success(
                request,
                f"{client.name} will see the {definition.short_title} on their Today page."
                if created
                else f"The {definition.short_title} is already waiting for {client.name}.",
            )
            return redirect("client_measures", client_id=client.public_id)
    # Refused: the page again, with what was chosen and why it cannot be sent.
    return _measures_page(request, client, form, answerable, status=400)


@clinician_required
def paper_entry(request: HttpRequest, client_id: UUID, measure_key: str) -> HttpResponse:
    client = get_client_for_user(request, client_id)
    definition = _definition_or_404(measure_key)
    presentation = presentation_for(definition, client.organisation)
    form = QuestionnaireForm(
        request.POST if request.method == "POST" else None,
        initial={"token": uuid.uuid4()},
        definition=definition,
        presentation=presentation,
        all_required=False,
    )
    if request.method == "POST" and form.is_valid():
        # A request the client cannot answer online (no licensed wording) is answered here.
        unanswerable = (
            None
            if presentation.has_wording
            else MeasureRequest.objects.filter(
                client=client, measure_key=definition.key, completed_at=None
            ).first()
        )
        response, _ = submit_response(
            request=request,
            client=client,
            definition=definition,
            answers=form.answers(),
            token=form.cleaned_data["token"],
            entered_by=request.user,  # type: ignore[arg-type]
            source=Response.Source.PAPER,
            measure_request=unanswerable,
        )
        if not response.complete:
            messages.warning(request, "Saved as incomplete: unanswered items mean no total.")
        else:
            messages.success(request, f"{definition.short_title} saved.")
        return redirect("client_measures", client_id=client.public_id)
    context = {
        "client": client,
        "definition": definition,
        "presentation": presentation,
        "form": form,
    }
    status = 400 if form.errors else 200
    return render(request, "measures/paper_entry.html", context, status=status)


@clinician_required
def response_fhir(request: HttpRequest, response_id: UUID) -> JsonResponse:
    response = (
        Response.objects.select_related("client")
        .filter(public_id=response_id, client__in=caseload_for(request))
        .first()
    )
    if response is None:
        raise Http404
    record(action="response.exported", request=request, client=response.client, target=response)
    definition = get_definition(response.measure_key)
    presentation = presentation_for(definition, response.client.organisation)
    body = fhir.questionnaire_response(response, definition, presentation)
    return JsonResponse(body, content_type="application/fhir+json")


@clinician_required
def questionnaire_fhir(request: HttpRequest, measure_key: str) -> JsonResponse:
    definition = _definition_or_404(measure_key)
    organisation = request.membership.organisation  # type: ignore[attr-defined]
    body = fhir.questionnaire(definition, presentation_for(definition, organisation))
    return JsonResponse(body, content_type="application/fhir+json")
