"""A clinician's view of the journal: only what the client shares, one entry at a time.

Private entries do not exist here: not in lists, not as a count, not by address (404).
"""

from __future__ import annotations

import uuid
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tending.accounts.access import caseload_for, clinician_required, get_client_for_user
from tending.audit.services import record
from tending.journal.forms import ReplyForm
from tending.journal.models import JournalEntry, shared_with_clinician
from tending.journal.services import NotShared, add_reply, shared_entries, with_reply_counts


@clinician_required
def client_journal(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = get_client_for_user(request, client_id)
    record(action="journal.shared_list_viewed", request=request, client=client, target=client)
    entries = with_reply_counts(shared_entries(client)).order_by("-shared_at", "-id")
    page = Paginator(entries, 25).get_page(request.GET.get("page"))
    return render(request, "journal/client_journal.html", {"client": client, "page": page})


def _shared_entry(request: HttpRequest, entry_id: UUID) -> JournalEntry:
    """Return a shared entry of a client on this clinician's caseload, or raise 404."""
    entry = (
        JournalEntry.objects.select_related("client")
        .prefetch_related("parts")
        .filter(shared_with_clinician(), public_id=entry_id, client__in=caseload_for(request))
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def _entry_page(
    request: HttpRequest, entry: JournalEntry, form: ReplyForm, status: int = 200
) -> HttpResponse:
    context = {
        "entry": entry,
        "client": entry.client,
        "replies": entry.replies.select_related("author"),
        "form": form,
    }
    return render(request, "journal/shared_entry.html", context, status=status)


@clinician_required
def shared_journal_entry(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    entry = _shared_entry(request, entry_id)
    record(action="journal.shared_entry_viewed", request=request, client=entry.client, target=entry)
    return _entry_page(request, entry, ReplyForm(initial={"token": uuid.uuid4()}))


@require_POST
@clinician_required
def journal_reply(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    entry = _shared_entry(request, entry_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _entry_page(request, entry, form, status=400)
    try:
        add_reply(
            request=request,
            entry=entry,
            author=request.membership.user,  # type: ignore[attr-defined]
            token=form.cleaned_data["token"],
            body=form.cleaned_data["body"],
            noticed=form.cleaned_data["noticed"],
        )
    except NotShared:
        raise Http404 from None  # the client stopped sharing it a moment ago
    messages.success(request, f"Reply sent. {entry.client.name} will see it under the entry.")
    return redirect("shared_journal_entry", entry_id=entry.public_id)
