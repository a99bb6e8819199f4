"""The guided player, saving what was practised, and the page that follows it."""

from __future__ import annotations

import uuid
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tending.accounts.access import client_required, organisation_id_of, practitioner_required
from tending.practices.forms import PracticeLogForm
from tending.practices.models import Practice, PracticeLog
from tending.practices.services import practices_for, save_practice_log
from tending.practices.views.library import _recording_for, practice_for_request


def _player_page(
    request: HttpRequest, practice: Practice, form: PracticeLogForm, status: int = 200
) -> HttpResponse:
    context = {
        "practice": practice,
        "form": form,
        "recording": _recording_for(request, practice),
        "is_client": hasattr(request, "client_profile"),
        "timer_minutes": sorted({1, 2, 3, 5, 8, 10, 15, 20, 30, practice.minutes}),
    }
    return render(request, "practices/player.html", context, status=status)


@practitioner_required
def practice_play(request: HttpRequest, practice_id: UUID) -> HttpResponse:
    practice = practice_for_request(request, practice_id)
    # A fresh token per visit: the save that follows is recognised if it arrives twice.
    form = PracticeLogForm(initial={"token": uuid.uuid4(), "minutes": practice.minutes})
    return _player_page(request, practice, form)


@require_POST
@client_required
def practice_log_save(request: HttpRequest, practice_id: UUID) -> HttpResponse:
    practice = practice_for_request(request, practice_id)
    form = PracticeLogForm(request.POST)
    if not form.is_valid():
        return _player_page(request, practice, form, status=400)
    log, _ = save_practice_log(
        request=request,
        client=request.client_profile,  # type: ignore[attr-defined]
        practice=practice,
        values=form.log_values(),
    )
    return redirect(log)


@client_required
def practice_log_detail(request: HttpRequest, log_id: UUID) -> HttpResponse:
    log = (
        PracticeLog.objects.select_related("practice")
        .filter(public_id=log_id, client=request.client_profile)  # type: ignore[attr-defined]
        .first()
    )
    if log is None:
        raise Http404
    alternatives = practices_for(organisation_id_of(request)).filter(
        key__in=log.practice.alternatives
    )
    return render(request, "practices/log_detail.html", {"log": log, "alternatives": alternatives})


def grounding(request: HttpRequest) -> HttpResponse:
    """Stop and ground: open to everyone, needs nothing, works without JavaScript."""
    return render(request, "practices/grounding.html")
