"""The client's home: what today asks of them, what is done, and what is coming."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tending.accounts.access import client_required
from tending.assignments.forms import ReminderForm
from tending.assignments.models import Assignment, ReminderPreference
from tending.assignments.services import (
    active_assignments,
    adherence,
    agenda_for,
    done_times,
    open_homework_questionnaire,
    todays_window_closes,
)
from tending.audit.services import record
from tending.measures.definitions import get_definition
from tending.measures.models import MeasureRequest
from tending.measures.services import answerable_online
from tending.revisions import services as revisions


@client_required
def today(request: HttpRequest) -> HttpResponse:
    profile = request.client_profile  # type: ignore[attr-defined]
    now = timezone.now()
    # Loaded once for the agenda and for every assignment's week below.
    assignments = active_assignments(profile)
    done = done_times(profile, now - timedelta(weeks=2))
    agenda = agenda_for(profile, now, assignments=assignments, done=done)
    asked_now = MeasureRequest.objects.filter(
        client=profile, completed_at=None, from_homework=False
    )
    this_week: list[dict[str, Any]] = [
        {"assignment": assignment, "week": adherence(assignment, now, weeks=1, done=done)[0]}
        for assignment in assignments
        # Resting, or not answerable online: never counted against anyone.
        if assignment not in agenda.paused_for_safety and assignment not in agenda.needs_wording
    ]
    context = {
        "profile": profile,
        "agenda": agenda,
        "asked_now": asked_now,
        "this_week": [row for row in this_week if row["week"].expected or row["week"].done],
    }
    return render(request, "assignments/today.html", context)


@require_POST
@client_required
def homework_questionnaire(request: HttpRequest, assignment_id: UUID) -> HttpResponse:
    """Open the questionnaire a homework item asks for now (an open request is reused)."""
    profile = request.client_profile  # type: ignore[attr-defined]
    assignment = Assignment.objects.filter(
        public_id=assignment_id,
        client=profile,
        kind=Assignment.Kind.MEASURE,
        status=Assignment.Status.ACTIVE,
    ).first()
    if assignment is None:
        raise Http404
    assignment.client = profile  # already loaded: its time zone sets "today"
    closes = todays_window_closes(assignment, timezone.now())
    if closes is None:
        messages.info(
            request, "That questionnaire is not open now. It will be on Today when it is."
        )
        return redirect("today")
    if not answerable_online(profile.organisation_id, [assignment.measure_key]):
        # Set before its licensed wording was required, or the wording was removed (H-005).
        context = {"definition": get_definition(assignment.measure_key)}
        return render(request, "measures/questionnaire_unavailable.html", context)
    return redirect(open_homework_questionnaire(assignment=assignment, open_until=closes))


@client_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    profile = request.client_profile  # type: ignore[attr-defined]
    preference, _ = ReminderPreference.objects.get_or_create(client=profile)
    initial = {"enabled": preference.enabled, "at": preference.at, "time_zone": profile.time_zone}
    form = ReminderForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            preference.enabled = form.cleaned_data["enabled"]
            preference.at = form.cleaned_data["at"]
            preference.save()
            profile.time_zone = form.cleaned_data["time_zone"]
            profile.save(update_fields=["time_zone"])
            revisions.client_changed(profile)  # their days, and so their weeks, moved
            record(
                action="reminders.updated",
                request=request,
                client=profile,
                target=profile,
                detail={"enabled": preference.enabled},
            )
        messages.success(request, "Saved. Reminders follow your choice from now on.")
        return redirect("reminder_settings")
    status = 400 if form.errors else 200
    return render(request, "assignments/reminder_settings.html", {"form": form}, status=status)
