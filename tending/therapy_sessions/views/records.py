"""A client's session records: the list, recording a new one, editing a draft, reading one."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tending.accounts.access import caseload_for, clinician_required, get_client_for_user
from tending.accounts.models import ClientProfile, User
from tending.assignments.models import Assignment
from tending.assignments.schedules import local_today
from tending.audit.services import record
from tending.practices import library
from tending.practices.services import practices_for
from tending.safety.episodes import open_episode_of
from tending.therapy_sessions.forms import AddendumForm, SessionForm
from tending.therapy_sessions.models import (
    LayerNote,
    Reflection,
    SessionLocked,
    TherapySession,
)
from tending.therapy_sessions.services import (
    NotAuthor,
    StaleSession,
    attached_week,
    create_session,
    update_session,
)

PAGE_SIZE = 25


def session_for(request: HttpRequest, session_id: UUID) -> TherapySession:
    """Return the session if its client is on this clinician's caseload; otherwise 404."""
    session = (
        TherapySession.objects.select_related(
            "client__organisation", "client__primary_clinician", "clinician", "signed_by"
        )
        .filter(public_id=session_id, client__in=caseload_for(request))
        .first()
    )
    if session is None:
        raise Http404
    return session


def own_session_for(request: HttpRequest, session_id: UUID) -> TherapySession:
    """Return the session if this clinician wrote it (and has the client); otherwise 404."""
    session = session_for(request, session_id)
    if session.clinician_id != request.user.pk:
        raise Http404
    return session


def locked_page(
    request: HttpRequest, session: TherapySession, form: SessionForm | None = None
) -> HttpResponse:
    """409: the note is signed. Anything just typed is shown so it can go into an addendum."""
    typed = form.typed_texts() if form is not None else []
    context = {"session": session, "client": session.client, "typed": typed}
    return render(request, "therapy_sessions/session_locked.html", context, status=409)


def _form(
    request: HttpRequest,
    client: ClientProfile,
    data: Any = None,
    initial: dict[str, Any] | None = None,
) -> SessionForm:
    practices = list(practices_for(client.organisation_id).only("public_id", "title", "layer"))
    homework = list(
        Assignment.objects.filter(client=client).select_related("practice").order_by("-created_at")
    )
    return SessionForm(
        data,
        initial=initial,
        practices=practices,
        homework=homework,
        today=local_today(timezone.now(), client.time_zone),
    )


def _form_page(
    request: HttpRequest,
    client: ClientProfile,
    form: SessionForm,
    session: TherapySession | None,
    *,
    status: int = 200,
    current: TherapySession | None = None,
) -> HttpResponse:
    context = {
        "client": client,
        "form": form,
        "session": session,
        "current": current,
        "open_episode": open_episode_of(client),
    }
    return render(request, "therapy_sessions/session_form.html", context, status=status)


@clinician_required
def client_sessions(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = get_client_for_user(request, client_id)
    record(action="client.sessions_viewed", request=request, client=client, target=client)
    sessions = (
        TherapySession.objects.filter(client=client)
        .select_related("clinician")
        .prefetch_related(Prefetch("layers", queryset=LayerNote.objects.defer("text")))
        .annotate(addendum_count=Count("addenda"))
        .defer("summary", "risk_note", "attached_week")
        .order_by("-date", F("start_time").desc(nulls_last=True), "-id")
    )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    reflections = Reflection.objects.filter(clinician_id=request.user.pk, client=client)[:20]
    context = {"client": client, "page": page, "reflections": reflections}
    return render(request, "therapy_sessions/client_sessions.html", context)


@clinician_required
def session_create(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = get_client_for_user(request, client_id)
    if request.method != "POST":
        initial = {"token": uuid.uuid4(), "date": local_today(timezone.now(), client.time_zone)}
        return _form_page(request, client, _form(request, client, initial=initial), None)
    form = _form(request, client, request.POST)
    if not form.is_valid():
        return _form_page(request, client, form, None, status=400)
    session, created = create_session(
        request=request,
        clinician=request.user,  # type: ignore[arg-type]
        client=client,
        token=form.cleaned_data["token"],
        values=form.values(),
    )
    if created:
        messages.success(request, "Session note saved as a draft.")
    return redirect(session)


@clinician_required
def session_edit(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = own_session_for(request, session_id)
    client = session.client
    if request.method != "POST":
        if session.is_signed:
            return locked_page(request, session)
        record(
            action="session.viewed",
            request=request,
            client=client,
            target=session,
            detail={"page": "edit"},
        )
        initial = SessionForm.initial_for(session) | {"token": uuid.uuid4()}
        return _form_page(request, client, _form(request, client, initial=initial), session)
    form = _form(request, client, request.POST)
    if session.is_signed:
        return locked_page(request, session, form)
    if not form.is_valid() or form.cleaned_data["version"] is None:
        return _form_page(request, client, form, session, status=400)
    try:
        update_session(
            request=request,
            clinician=request.user,  # type: ignore[arg-type]
            session=session,
            version=form.cleaned_data["version"],
            token=form.cleaned_data["token"],
            values=form.values(),
        )
    except SessionLocked:
        return locked_page(request, session, form)
    except NotAuthor:
        raise Http404 from None
    except StaleSession as stale:
        return _conflict_page(request, client, session, stale.current)
    messages.success(request, "Changes saved.")
    return redirect(session)


def _conflict_page(
    request: HttpRequest, client: ClientProfile, session: TherapySession, current: TherapySession
) -> HttpResponse:
    """409: saved elsewhere meanwhile. Keep every typed word; show what is saved now beside it.

    The form now carries the current version, so saving again, after merging, is deliberate.
    """
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = _form(request, client, data)
    form.is_valid()
    form.add_error(
        None,
        f"This note was saved from another tab or device at "
        f"{timezone.localtime(current.updated_at):%H:%M}, after you opened it, so your changes "
        "are not saved yet. Everything you typed is still below, with the saved version "
        "beside it. Combine them, then save again.",
    )
    current_notes = {note.layer: note for note in LayerNote.objects.filter(session=current)}
    return _form_page(
        request,
        client,
        form,
        session,
        status=409,
        current=_with_notes(current, current_notes),
    )


def _with_notes(session: TherapySession, notes: dict[int, LayerNote]) -> TherapySession:
    session.current_notes = [notes[n] for n in sorted(notes)]  # type: ignore[attr-defined]
    return session


def layer_rows(session: TherapySession) -> list[dict[str, Any]]:
    """All four layers in order, each with its note or None."""
    notes = {note.layer: note for note in session.layers.all()}
    return [
        {"number": number, "name": name, "note": notes.get(number)}
        for number, name in library.LAYERS.items()
    ]


def detail_context(request: HttpRequest, session: TherapySession) -> dict[str, Any]:
    client = session.client
    user: User = request.user  # type: ignore[assignment]
    return {
        "session": session,
        "client": client,
        "layer_rows": layer_rows(session),
        "practices": list(session.practices.order_by("layer", "title")),
        "homework": list(session.homework.select_related("practice")),
        "addenda": list(session.addenda.select_related("author")),
        "open_episode": open_episode_of(client),
        "week": attached_week(session),
        "is_author": session.clinician_id == user.pk,
        "addendum_form": AddendumForm(initial={"token": uuid.uuid4()}),
    }


@clinician_required
def session_detail(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = session_for(request, session_id)
    record(action="session.viewed", request=request, client=session.client, target=session)
    return render(request, "therapy_sessions/session_detail.html", detail_context(request, session))
