"""The client's journal: the list, one entry, writing, editing, sharing and deleting."""

from __future__ import annotations

import uuid
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tending.accounts.access import client_required
from tending.accounts.models import ClientProfile
from tending.journal import reflections
from tending.journal.forms import EntryEditForm, FreeEntryForm, ReflectionEntryForm
from tending.journal.models import JournalEntry
from tending.journal.services import (
    FREE_BODY,
    PartSpec,
    StaleEntry,
    create_entry,
    delete_entry,
    save_entry,
    set_shared,
    with_reply_counts,
)

PAGE_SIZE = 20


def _client(request: HttpRequest) -> ClientProfile:
    return request.client_profile  # type: ignore[attr-defined,no-any-return]


def own_entry(request: HttpRequest, entry_id: UUID) -> JournalEntry:
    """Return the signed-in client's own entry `entry_id`, or raise 404."""
    entry = (
        JournalEntry.objects.filter(public_id=entry_id, client=_client(request))
        .prefetch_related("parts")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


@client_required
def journal(request: HttpRequest) -> HttpResponse:
    entries = with_reply_counts(JournalEntry.objects.filter(client=_client(request)))
    entries = entries.prefetch_related("parts").order_by("-created_at", "-id")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "journal/journal.html", {"page": page})


@client_required
def journal_entry(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    entry = own_entry(request, entry_id)
    replies = entry.replies.all()
    return render(request, "journal/entry.html", {"entry": entry, "replies": replies})


@client_required
def journal_entry_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = FreeEntryForm(initial={"token": uuid.uuid4()})
        return render(request, "journal/entry_new.html", {"form": form})
    form = FreeEntryForm(request.POST)
    if not form.is_valid():
        return render(request, "journal/entry_new.html", {"form": form}, status=400)
    entry, _ = create_entry(
        request=request,
        client=_client(request),
        token=form.cleaned_data["token"],
        kind=JournalEntry.Kind.FREE,
        title=form.cleaned_data["title"],
        parts=[PartSpec(FREE_BODY, "", form.cleaned_data["body"])],
    )
    messages.success(request, "Saved. Only you can see it.")
    return redirect(entry)


@client_required
def journal_reflection_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = ReflectionEntryForm(initial={"token": uuid.uuid4()})
        return render(request, "journal/reflection_new.html", {"form": form})
    form = ReflectionEntryForm(request.POST)
    if not form.is_valid():
        return render(request, "journal/reflection_new.html", {"form": form}, status=400)
    entry, _ = create_entry(
        request=request,
        client=_client(request),
        token=form.cleaned_data["token"],
        kind=JournalEntry.Kind.REFLECTION,
        title=form.cleaned_data["title"],
        parts=[
            PartSpec(key, prompt, form.cleaned_data[f"part_{key}"])
            for key, prompt in reflections.PROMPTS
        ],
    )
    messages.success(request, "Saved. Only you can see it.")
    return redirect(entry)


@client_required
def journal_entry_edit(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    entry = own_entry(request, entry_id)
    if request.method != "POST":
        form = EntryEditForm(initial=EntryEditForm.initial_for(entry), entry=entry)
        return render(request, "journal/entry_edit.html", {"entry": entry, "form": form})
    form = EntryEditForm(request.POST, entry=entry)
    if not form.is_valid():
        context = {"entry": entry, "form": form}
        return render(request, "journal/entry_edit.html", context, status=400)
    try:
        save_entry(
            request=request,
            entry=entry,
            version=form.cleaned_data["version"],
            title=form.cleaned_data["title"],
            texts=form.texts(),
        )
    except StaleEntry as stale:
        # Keep what was typed in the form, show what is saved, and let the next save win.
        data = request.POST.copy()
        data["version"] = str(stale.entry.version)
        context = {
            "entry": entry,
            "form": EntryEditForm(data, entry=stale.entry),
            "saved": stale.entry,
        }
        return render(request, "journal/entry_edit.html", context, status=409)
    messages.success(request, "Your changes are saved.")
    return redirect(entry)


@client_required
def journal_entry_delete_confirm(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    own = JournalEntry.objects.filter(client=_client(request), public_id=entry_id)
    entry = with_reply_counts(own).first()
    if entry is None:
        raise Http404
    return render(request, "journal/entry_delete.html", {"entry": entry})


@require_POST
@client_required
def journal_entry_delete(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    delete_entry(request=request, entry=own_entry(request, entry_id))
    messages.success(request, "Deleted. It cannot be brought back.")
    return redirect("journal")


@require_POST
@client_required
def journal_entry_share(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    entry = set_shared(request=request, entry=own_entry(request, entry_id), shared=True)
    if entry.is_shared:
        messages.success(request, "Shared with your therapist. You can stop sharing at any time.")
    else:
        messages.info(request, "Finish the letter first; then you can share it if you like.")
    return redirect(entry)


@require_POST
@client_required
def journal_entry_unshare(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    entry = set_shared(request=request, entry=own_entry(request, entry_id), shared=False)
    messages.success(request, "Private again. Your therapist can no longer see it.")
    return redirect(entry)
