"""The guided compassionate letter, one step per page; every step is kept as a private draft.

Works without JavaScript: each "Next" or "Back" saves the step on the server first. With
JavaScript, `letter.js` also saves quietly while the client types (`intent=autosave`).
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tending.accounts.access import client_required
from tending.journal import letters
from tending.journal.forms import LetterStartForm, LetterStepForm
from tending.journal.models import JournalEntry
from tending.journal.services import StaleEntry, finish_letter, save_letter_step, start_letter
from tending.journal.views.entries import own_entry
from tending.practices.models import Practice
from tending.safety.episodes import has_open_episode

INTENTS = {"next", "back", "leave", "finish", "autosave"}


@client_required
def journal_letter_start(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = LetterStartForm(initial={"token": uuid.uuid4()})
        return render(request, "journal/letter_start.html", _start_context(request, form))
    form = LetterStartForm(request.POST)
    if not form.is_valid():
        context = _start_context(request, form)
        return render(request, "journal/letter_start.html", context, status=400)
    entry, _ = start_letter(
        request=request,
        client=request.client_profile,  # type: ignore[attr-defined]
        token=form.cleaned_data["token"],
        voice=form.cleaned_data["voice"],
        writer=form.cleaned_data["writer"],
        title=form.cleaned_data["title"],
    )
    return redirect("journal_letter_step", entry_id=entry.public_id, step=1)


def _start_context(request: HttpRequest, form: LetterStartForm) -> dict[str, Any]:
    return {
        "form": form,
        "steps": letters.STEPS,
        "caution": letters.CAUTION,
        "rest_suggested": _alert_open(request),
    }


def _alert_open(request: HttpRequest) -> bool:
    """True while one of the client's risk answers waits for their therapist (hazard H-103).

    Letter writing can stir up the inner critic, so while a risk episode is open the letter pages
    suggest waiting or writing it with the therapist, as Today rests imagery and writing
    homework. They never block it: a client is not shut out of their own journal.
    """
    client = request.client_profile  # type: ignore[attr-defined]
    return has_open_episode(client)


def _step_page(
    request: HttpRequest,
    entry: JournalEntry,
    step: letters.LetterStep,
    form: LetterStepForm | None,
    *,
    status: int = 200,
    saved_text: str | None = None,
) -> HttpResponse:
    context = {
        "entry": entry,
        "step": step,
        "steps": letters.STEPS,
        "last_step": letters.LAST_STEP,
        "form": form,
        "caution": letters.CAUTION,
        "saved_text": saved_text,
        "rest_suggested": _alert_open(request),
        "breathing": (
            Practice.objects.filter(key="soothing-rhythm-breathing", organisation=None).first()
            if step.number == 1
            else None
        ),
    }
    return render(request, "journal/letter_step.html", context, status=status)


def _form(entry: JournalEntry, step: letters.LetterStep, data: Any = None) -> LetterStepForm | None:
    if not step.writes:
        return None
    initial = {"version": entry.version, "text": entry.texts.get(step.key, "")}
    return LetterStepForm(data, initial=initial, step=step, voice=entry.voice)


@client_required
def journal_letter_step(request: HttpRequest, entry_id: UUID, step: int) -> HttpResponse:
    entry = own_entry(request, entry_id)
    found = letters.step(step)
    if entry.kind != JournalEntry.Kind.LETTER or found is None:
        raise Http404
    if request.method != "POST":
        return _step_page(request, entry, found, _form(entry, found))
    intent = request.POST.get("intent", "next")
    if intent not in INTENTS:
        intent = "next"
    form = _form(entry, found, request.POST)
    if form is not None:
        if not form.is_valid():
            if intent == "autosave":
                return HttpResponse(status=400)
            return _step_page(request, entry, found, form, status=400)
        try:
            entry = save_letter_step(
                request=request,
                entry=entry,
                key=found.key,
                version=form.cleaned_data["version"],
                text=form.cleaned_data["text"],
            )
        except StaleEntry as stale:
            if intent == "autosave":
                return HttpResponse(status=409)
            # Another tab or device changed this letter: keep both texts, let the client choose.
            data = request.POST.copy()
            data["version"] = str(stale.entry.version)
            saved = stale.entry.parts.get(key=found.key).text
            form = LetterStepForm(data, step=found, voice=entry.voice)
            return _step_page(request, entry, found, form, status=409, saved_text=saved)
        if intent == "autosave":
            response = HttpResponse(status=204)
            response["X-Entry-Version"] = str(entry.version)
            return response
    return _after_step(request, entry, found, intent)


def _after_step(
    request: HttpRequest, entry: JournalEntry, step: letters.LetterStep, intent: str
) -> HttpResponse:
    if intent == "finish" and step.number == letters.LAST_STEP:
        entry = finish_letter(request=request, entry=entry)
        messages.success(
            request,
            "Your letter is kept in your journal. It is private unless you choose to share it.",
        )
        return redirect(entry)
    if intent == "leave":
        messages.info(request, "Your draft is kept. Only you can see it; come back any time.")
        return redirect("journal")
    number = step.number - 1 if intent == "back" else step.number + 1
    number = min(max(number, 1), letters.LAST_STEP)
    return redirect("journal_letter_step", entry_id=entry.public_id, step=number)
