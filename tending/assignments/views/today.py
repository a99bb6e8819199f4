"""The client's home: what today asks of them, what is done, and what is coming."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tending.accounts.access import client_required
from tending.assignments.models import Assignment
from tending.assignments.services import agenda_for
from tending.measures.models import MeasureRequest


@client_required
def today(request: HttpRequest) -> HttpResponse:
    profile = request.client_profile  # type: ignore[attr-defined]
    agenda = agenda_for(profile, timezone.now())
    asked_now = MeasureRequest.objects.filter(client=profile, completed_at=None)
    context = {"profile": profile, "agenda": agenda, "asked_now": asked_now}
    return render(request, "assignments/today.html", context)


@require_POST
@client_required
def homework_questionnaire(request: HttpRequest, assignment_id: UUID) -> HttpResponse:
    """Open the questionnaire a homework item asks for (an open request is reused)."""
    profile = request.client_profile  # type: ignore[attr-defined]
    assignment = Assignment.objects.filter(
        public_id=assignment_id, client=profile, kind=Assignment.Kind.MEASURE
    ).first()
    if assignment is None:
        raise Http404
    asked, _ = MeasureRequest.objects.get_or_create(
        client=profile,
        measure_key=assignment.measure_key,
        completed_at=None,
        defaults={"requested_by": assignment.created_by},
    )
    return redirect(asked)
