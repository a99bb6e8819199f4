"""A client's questionnaires: what is waiting, answering one, and what happens next."""

from __future__ import annotations

import uuid
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tending.accounts.access import client_required
from tending.accounts.models import ClientProfile
from tending.measures.definitions import get_definition
from tending.measures.forms import QuestionnaireForm
from tending.measures.models import MeasureRequest, Response
from tending.measures.services import presentation_for, submit_response
from tending.safety.models import RiskAnswer
from tending.safety.plan import shown_in_crisis


def _profile(request: HttpRequest) -> ClientProfile:
    profile: ClientProfile = request.client_profile  # type: ignore[attr-defined]
    return profile


@client_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    waiting = MeasureRequest.objects.filter(
        client=_profile(request), completed_at=None, from_homework=False
    )
    rows = [
        {"request": asked, "definition": get_definition(asked.measure_key)} for asked in waiting
    ]
    return render(request, "measures/questionnaire_list.html", {"rows": rows})


@client_required
def questionnaire_take(request: HttpRequest, request_id: UUID) -> HttpResponse:
    profile = _profile(request)
    asked = MeasureRequest.objects.filter(public_id=request_id, client=profile).first()
    if asked is None:
        raise Http404
    if asked.completed_at is not None and request.method == "GET":
        done = Response.objects.filter(request=asked).first()
        return redirect(done) if done else redirect("questionnaire_list")
    definition = get_definition(asked.measure_key)
    if request.method == "GET" and not asked.is_offered(timezone.now()):
        # Opened from homework whose window has since closed, or which the clinician paused
        # or ended (H-024): not offered any more. A form already filled in and sent (a POST)
        # is still saved, with its true time, so no answer, and no risk answer, is lost.
        return render(request, "measures/questionnaire_closed.html", {"definition": definition})
    presentation = presentation_for(definition, profile.organisation)
    if not presentation.has_wording:
        # Never "Item 1", "Item 2"… for a client to guess at (H-005): asked for before the
        # control, or the licensed wording was removed. The clinician sees it cannot be
        # answered online and can enter it from paper; a POST here saves nothing.
        context = {"definition": definition, "asked": asked}
        status = 200 if request.method == "GET" else 409
        return render(request, "measures/questionnaire_unavailable.html", context, status=status)
    form = QuestionnaireForm(
        request.POST if request.method == "POST" else None,
        initial={"token": uuid.uuid4()},
        definition=definition,
        presentation=presentation,
        all_required=True,
    )
    if request.method == "POST" and form.is_valid():
        response, _ = submit_response(
            request=request,
            client=profile,
            definition=definition,
            answers=form.answers(),
            token=form.cleaned_data["token"],
            entered_by=profile.user,  # type: ignore[arg-type]
            source=Response.Source.CLIENT,
            measure_request=asked,
        )
        return redirect(response)
    context = {"form": form, "definition": definition, "presentation": presentation}
    status = 400 if form.errors else 200
    return render(request, "measures/questionnaire_take.html", context, status=status)


@client_required
def response_detail(request: HttpRequest, response_id: UUID) -> HttpResponse:
    response = Response.objects.filter(public_id=response_id, client=_profile(request)).first()
    if response is None:
        raise Http404
    definition = get_definition(response.measure_key)
    risk = RiskAnswer.objects.select_related("episode").filter(response_id=response.public_id)
    answer = risk.first()
    show_summary = bool(response.request and response.request.show_summary)
    context = {
        "response": response,
        "definition": definition,
        "risk_answer": answer,
        "show_summary": show_summary and answer is None,
        # After a risk answer the client's own safety plan is shown with the crisis contacts.
        "safety_plan_version": (
            shown_in_crisis(request=request, client=response.client, page="crisis")
            if answer
            else None
        ),
    }
    return render(request, "measures/response_detail.html", context)
