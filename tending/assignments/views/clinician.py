"""A clinician sets, changes, pauses and ends a client's homework, and sees adherence."""

from __future__ import annotations

import uuid
from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tending.accounts.access import caseload_for, clinician_required, get_client_for_user
from tending.accounts.models import ClientProfile
from tending.assignments.forms import AssignmentForm
from tending.assignments.models import Assignment
from tending.assignments.schedules import describe, local_today
from tending.assignments.services import adherence, done_times, save_assignment, set_status
from tending.audit.services import record
from tending.measures.definitions import get_definition, load_definitions
from tending.measures.forms import needs_wording_error
from tending.measures.services import NotAnswerableOnline, answerable_online
from tending.practices.models import Practice
from tending.practices.services import practices_for


def _practice_choices(client: ClientProfile) -> list[tuple[str, str]]:
    return [(f"practice:{p.public_id}", p.title) for p in practices_for(client.organisation_id)]


def _practice_lookup(client: ClientProfile):  # type: ignore[no-untyped-def]
    def find(public_id: str) -> Practice:
        practice = practices_for(client.organisation_id).filter(public_id=public_id).first()
        if practice is None:
            raise Http404
        return practice

    return find


@clinician_required
def client_assignments(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = get_client_for_user(request, client_id)
    record(action="client.homework_viewed", request=request, client=client, target=client)
    now = timezone.now()
    done = done_times(client, now - timedelta(weeks=7))  # once for every assignment below
    assignments = list(
        Assignment.objects.filter(client=client)
        .select_related("practice", "client")
        .prefetch_related("history")
    )
    # No query unless a scoring-only questionnaire is set (H-005).
    online = answerable_online(
        client.organisation_id, {a.measure_key for a in assignments if a.measure_key}
    )
    rows = []
    for a in assignments:
        needs_wording = bool(a.measure_key) and a.measure_key not in online
        rows.append(
            {
                "assignment": a,
                "when": describe(a.schedule()),
                "weeks": adherence(a, now, done=done, answerable=not needs_wording),
                "needs_wording": needs_wording,
            }
        )
    context = {"client": client, "rows": rows}
    return render(request, "assignments/client_assignments.html", context)


def _form_page(
    request: HttpRequest, client: ClientProfile, assignment: Assignment | None
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    if assignment is not None:
        initial = AssignmentForm.initial_for(assignment)
    else:
        # The client's own today, which may differ from the server's.
        client_today = local_today(timezone.now(), client.time_zone)
        initial = {"start_date": client_today, "repeat": "daily", "interval": 1}
    initial["token"] = uuid.uuid4()
    answerable = answerable_online(client.organisation_id, load_definitions())
    form = AssignmentForm(
        data,
        initial=initial,
        practices=_practice_choices(client),
        time_zone=client.time_zone,
        answerable=answerable,
    )
    if request.method == "POST" and form.is_valid():
        values = form.values(_practice_lookup(client))
        try:
            saved = save_assignment(
                request=request,
                clinician=request.membership.user,  # type: ignore[attr-defined]
                client=client,
                assignment=assignment,
                values=values,
            )
        except NotAnswerableOnline:  # its wording was removed since the form was checked
            form.add_error("what", needs_wording_error(get_definition(values["measure_key"])))
        else:
            done = describe(saved.schedule()).lower()
            messages.success(request, f"Saved: {saved.title}, {done}.")
            return redirect("client_assignments", client_id=client.public_id)
    cannot_send = (
        needs_wording_error(get_definition(assignment.measure_key))
        if assignment is not None
        and assignment.measure_key
        and assignment.measure_key not in answerable
        else None
    )
    context = {
        "client": client,
        "form": form,
        "assignment": assignment,
        "cannot_send": cannot_send,
    }
    return render(
        request, "assignments/assignment_form.html", context, status=400 if form.errors else 200
    )


@clinician_required
def assignment_create(request: HttpRequest, client_id: UUID) -> HttpResponse:
    return _form_page(request, get_client_for_user(request, client_id), None)


def _assignment_for(request: HttpRequest, assignment_id: UUID) -> Assignment:
    assignment = (
        Assignment.objects.select_related("client", "practice")
        .filter(public_id=assignment_id, client__in=caseload_for(request))
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


@clinician_required
def assignment_edit(request: HttpRequest, assignment_id: UUID) -> HttpResponse:
    assignment = _assignment_for(request, assignment_id)
    return _form_page(request, assignment.client, assignment)


@require_POST
@clinician_required
def assignment_status(request: HttpRequest, assignment_id: UUID) -> HttpResponse:
    assignment = _assignment_for(request, assignment_id)
    status = request.POST.get("status", "")
    if status in Assignment.Status.values:
        set_status(
            request=request,
            clinician=request.membership.user,  # type: ignore[attr-defined]
            assignment=assignment,
            status=status,
        )
        messages.success(request, f"{assignment.title}: {Assignment.Status(status).label.lower()}.")
    return redirect("client_assignments", client_id=assignment.client.public_id)
