"""Signing a session note, adding an addendum below a signed one, deleting a draft."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tending.accounts.access import clinician_required
from tending.audit.services import record
from tending.therapy_sessions.forms import AddendumForm, SignForm
from tending.therapy_sessions.models import SessionLocked, TherapySession
from tending.therapy_sessions.services import (
    NotAuthor,
    NotSigned,
    StaleSession,
    add_addendum,
    attached_week,
    delete_session,
    sign_session,
)
from tending.therapy_sessions.views.records import (
    detail_context,
    layer_rows,
    locked_page,
    own_session_for,
    session_for,
)


def _sign_page(
    request: HttpRequest, session: TherapySession, form: SignForm, status: int = 200
) -> HttpResponse:
    context = {
        "session": session,
        "client": session.client,
        "form": form,
        "layer_rows": layer_rows(session),
        "week": attached_week(session),
    }
    return render(request, "therapy_sessions/session_sign.html", context, status=status)


@clinician_required
def session_sign(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = own_session_for(request, session_id)
    if session.is_signed:
        messages.info(request, "This note is already signed.")
        return redirect(session)
    if request.method != "POST":
        record(
            action="session.viewed",
            request=request,
            client=session.client,
            target=session,
            detail={"page": "sign"},
        )
        return _sign_page(request, session, SignForm(initial={"version": session.version}))
    form = SignForm(request.POST)
    if not form.is_valid():
        return _sign_page(request, session, form, status=400)
    try:
        signed = sign_session(
            request=request,
            clinician=request.user,  # type: ignore[arg-type]
            session=session,
            version=form.cleaned_data["version"],
        )
    except NotAuthor:
        raise Http404 from None
    except StaleSession as stale:
        form = SignForm({"version": stale.current.version})
        form.is_valid()
        form.add_error(
            None,
            "The note was changed after you opened this page. Read it again, then sign.",
        )
        return _sign_page(request, stale.current, form, status=409)
    if signed:
        messages.success(request, "Signed. The note is now locked; you can add addenda below it.")
    return redirect(session)


@require_POST
@clinician_required
def session_addendum(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = session_for(request, session_id)
    form = AddendumForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, session) | {"addendum_form": form}
        return render(request, "therapy_sessions/session_detail.html", context, status=400)
    try:
        _, created = add_addendum(
            request=request,
            clinician=request.user,  # type: ignore[arg-type]
            session=session,
            token=form.cleaned_data["token"],
            text=form.cleaned_data["text"],
        )
    except NotSigned:
        messages.info(request, "This note is still a draft: change it directly instead.")
        return redirect(session)
    if created:
        messages.success(request, "Addendum added.")
    return redirect(session)


@require_POST
@clinician_required
def session_delete(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = own_session_for(request, session_id)
    if session.is_signed:
        return locked_page(request, session)
    try:
        delete_session(
            request=request,
            clinician=request.user,  # type: ignore[arg-type]
            session=session,
        )
    except SessionLocked:
        return locked_page(request, session)
    except NotAuthor:
        raise Http404 from None
    messages.success(request, "Draft deleted.")
    return redirect("client_sessions", client_id=session.client.public_id)
