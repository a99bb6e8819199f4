"""The practice library: browse and filter, read one practice, and clinicians' own practices."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tending.accounts.access import (
    clinician_required,
    organisation_id_of,
    practitioner_required,
)
from tending.practices.forms import LENGTHS, LibraryFilterForm, PracticeForm, RecordingForm
from tending.practices.models import Practice, PracticeRecording
from tending.practices.services import StaleEdit, practices_for, save_practice


def practice_for_request(request: HttpRequest, practice_id: UUID) -> Practice:
    """Return the practice if this person's organisation may see it, else 404."""
    practice = practices_for(organisation_id_of(request)).filter(public_id=practice_id).first()
    if practice is None:
        raise Http404
    return practice


def _filtered(request: HttpRequest, form: LibraryFilterForm) -> QuerySet[Practice]:
    practices = practices_for(organisation_id_of(request))
    if not form.is_valid():
        return practices
    data = form.cleaned_data
    if data["layer"]:
        practices = practices.filter(layer=data["layer"])
    if data["kind"]:
        practices = practices.filter(kind=data["kind"])
    if data["length"]:
        low, high = LENGTHS[data["length"]]
        practices = practices.filter(minutes__gte=low, minutes__lte=high)
    if data["process"]:
        # Processes are a short JSON list; matching in Python works the same on every database.
        keep = [p.pk for p in practices if data["process"] in p.processes]
        practices = practices.filter(pk__in=keep)
    return practices


@practitioner_required
def practice_list(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None)
    practices = _filtered(request, form)
    context = {
        "form": form,
        "practices": practices,
        "is_clinician": hasattr(request, "membership"),
        "filtered": bool(request.GET),
    }
    return render(request, "practices/practice_list.html", context)


def _recording_for(request: HttpRequest, practice: Practice) -> PracticeRecording | None:
    """The recording this person hears: a client's own clinician's, or a clinician's own."""
    profile = getattr(request, "client_profile", None)
    clinician_id = profile.primary_clinician_id if profile else request.user.pk
    return PracticeRecording.objects.filter(practice=practice, clinician_id=clinician_id).first()


def detail_page(
    request: HttpRequest,
    practice: Practice,
    recording_form: RecordingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_clinician = hasattr(request, "membership")
    context = {
        "practice": practice,
        "alternatives": practices_for(organisation_id_of(request)).filter(
            key__in=practice.alternatives
        ),
        "recording": _recording_for(request, practice),
        "is_clinician": is_clinician,
        "can_edit": is_clinician and not practice.is_builtin,
        "recording_form": recording_form or (RecordingForm() if is_clinician else None),
    }
    return render(request, "practices/practice_detail.html", context, status=status)


@practitioner_required
def practice_detail(request: HttpRequest, practice_id: UUID) -> HttpResponse:
    return detail_page(request, practice_for_request(request, practice_id))


def _alternative_choices(request: HttpRequest, exclude: Practice | None) -> list[tuple[str, str]]:
    practices = practices_for(organisation_id_of(request))
    if exclude is not None:
        practices = practices.exclude(pk=exclude.pk)
    return [(p.key, p.title) for p in practices]


def _practice_form_page(request: HttpRequest, practice: Practice | None) -> HttpResponse:
    choices = _alternative_choices(request, practice)
    if request.method == "POST":
        form = PracticeForm(request.POST, alternatives=choices)
        if form.is_valid():
            try:
                saved = save_practice(
                    request=request,
                    clinician=request.membership,  # type: ignore[attr-defined]
                    practice=practice,
                    data=form.cleaned_data,
                )
            except StaleEdit:
                form.add_error(
                    None,
                    "Someone saved a newer version of this practice while you were editing. "
                    "Your changes are below: open the practice again in a new tab, then "
                    "copy them across.",
                )
            else:
                messages.success(request, f"“{saved.title}” is saved for your organisation.")
                return redirect(saved)
    else:
        initial = PracticeForm.initial_for(practice) if practice else {}
        form = PracticeForm(initial=initial, alternatives=choices)
    context = {"form": form, "practice": practice}
    status = 400 if form.errors else 200
    return render(request, "practices/practice_form.html", context, status=status)


@clinician_required
def practice_create(request: HttpRequest) -> HttpResponse:
    return _practice_form_page(request, None)


@clinician_required
def practice_edit(request: HttpRequest, practice_id: UUID) -> HttpResponse:
    practice = practice_for_request(request, practice_id)
    if practice.is_builtin:
        raise Http404  # built-ins change only through their files
    return _practice_form_page(request, practice)
