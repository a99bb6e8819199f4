"""The formulation: read it (picture and words), edit it, its history and what changed.

Each page has two doors, the client's own (`my_…`) and the clinician's (`client_…`); both
lead to the same code with a `Place` that says who is looking.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tending.accounts.access import client_required, clinician_required
from tending.assignments.models import Assignment
from tending.audit.services import record
from tending.formulation import diagram, diffs
from tending.formulation.forms import ChangesForm, FormulationForm, LinkForm
from tending.formulation.models import Formulation, FormulationLink, FormulationVersion
from tending.formulation.parts import COLUMNS, PARTS, parts_in
from tending.formulation.services import VersionConflict, save_formulation
from tending.formulation.views.place import Place, client_place, clinician_place

HISTORY_PAGE = 20


def _formulation(place: Place) -> Formulation | None:
    return Formulation.objects.filter(client=place.client).first()


def _version(formulation: Formulation | None, wanted: str | None) -> FormulationVersion | None:
    """The version asked for in the address, or the latest; None when nothing is written."""
    if formulation is None or formulation.version == 0:
        return None
    number = formulation.version
    if wanted:
        try:
            number = int(wanted)
        except ValueError:
            raise Http404 from None
    version = formulation.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def _links(formulation: Formulation | None) -> dict[str, list[FormulationLink]]:
    by_part: dict[str, list[FormulationLink]] = {}
    if formulation is None:
        return by_part
    links = formulation.links.select_related("assignment__practice")
    for link in links:
        by_part.setdefault(link.part, []).append(link)
    return by_part


def practice_assignments(place: Place) -> list[Assignment]:
    """The client's practice homework that a part can be linked to."""
    return list(
        Assignment.objects.filter(client=place.client, kind=Assignment.Kind.PRACTICE)
        .select_related("practice")
        .order_by("status", "-created_at")
    )


def _sections(texts: dict[str, str], links: dict[str, list[FormulationLink]]) -> list[Any]:
    """The columns, in order, each with its parts' words and linked practices."""
    return [
        {
            "column": COLUMNS[number],
            "parts": [
                {"part": part, "text": texts.get(part.key, ""), "links": links.get(part.key, [])}
                for part in parts_in(number)
            ],
        }
        for number in COLUMNS
    ]


def formulation_page(
    request: HttpRequest, place: Place, *, link_form: LinkForm | None = None, status: int = 200
) -> HttpResponse:
    formulation = _formulation(place)
    version = _version(formulation, request.GET.get("version"))
    texts = version.texts() if version else {}
    links = _links(formulation)
    titles = {key: [link.assignment.title for link in found] for key, found in links.items()}
    record(
        action="formulation.viewed",
        request=request,
        client=place.client,
        target=formulation,
        detail={"page": "formulation", "version": version.number if version else 0},
    )
    if link_form is None and not place.is_client:
        link_form = LinkForm(assignments=practice_assignments(place))
    context = {
        "place": place,
        "client": place.client,
        "formulation": formulation,
        "version": version,
        "is_latest": formulation is None
        or version is None
        or version.number == formulation.version,
        "picture": diagram.layout(texts, titles),
        "sections": _sections(texts, links),
        "link_form": link_form,
        "has_links": bool(links),
    }
    return render(request, "formulation/formulation.html", context, status=status)


@client_required
def my_formulation(request: HttpRequest) -> HttpResponse:
    return formulation_page(request, client_place(request))


@clinician_required
def client_formulation(request: HttpRequest, client_id: UUID) -> HttpResponse:
    return formulation_page(request, clinician_place(request, client_id))


def _form_columns(form: FormulationForm, theirs: dict[str, diffs.PartChange]) -> list[Any]:
    return [
        {
            "column": COLUMNS[number],
            "split": len(parts_in(number)) > 1,
            "fields": [
                {"field": form[part.key], "part": part, "theirs": theirs.get(part.key)}
                for part in parts_in(number)
            ],
        }
        for number in COLUMNS
    ]


def _edit_page(
    request: HttpRequest,
    place: Place,
    form: FormulationForm,
    *,
    status: int = 200,
    conflict: VersionConflict | None = None,
) -> HttpResponse:
    theirs: dict[str, diffs.PartChange] = {}
    if conflict is not None:
        before = conflict.base.texts() if conflict.base else {}
        changes = diffs.compare(before, conflict.latest.texts(), {p.key: p.title for p in PARTS})
        theirs = {change.key: change for change in changes if change.changed}
    context = {
        "place": place,
        "client": place.client,
        "form": form,
        "columns": _form_columns(form, theirs),
        "conflict": conflict.latest if conflict else None,
        "conflict_is_mine": conflict is not None and conflict.latest.author_id == request.user.pk,
    }
    return render(request, "formulation/formulation_form.html", context, status=status)


def _edit(request: HttpRequest, place: Place) -> HttpResponse:
    formulation = _formulation(place)
    if request.method != "POST":
        latest = _version(formulation, None)
        initial: dict[str, Any] = {
            "based_on": formulation.version if formulation else 0,
            "token": uuid.uuid4(),  # a fresh one per visit: the save is recognised if sent twice
            **(latest.texts() if latest else {}),
        }
        if latest is not None:
            record(
                action="formulation.viewed",
                request=request,
                client=place.client,
                target=formulation,
                detail={"page": "edit", "version": latest.number},
            )
        return _edit_page(request, place, FormulationForm(initial=initial))

    form = FormulationForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, place, form, status=400)
    try:
        saved = save_formulation(
            request=request,
            client=place.client,
            author=request.user,  # type: ignore[arg-type]
            role=place.role,
            based_on=form.cleaned_data["based_on"],
            token=form.cleaned_data["token"],
            texts=form.texts(),
        )
    except VersionConflict as conflict:
        return _conflict(request, place, conflict)
    if saved.outcome == "unchanged":
        messages.info(request, "Nothing had changed, so no new version was made.")
    elif saved.version is not None:
        messages.success(request, f"Saved as version {saved.version.number}.")
    return redirect(place.urls["formulation"])


def _conflict(request: HttpRequest, place: Place, conflict: VersionConflict) -> HttpResponse:
    """Show the form again with what this person typed, now based on the latest version."""
    data = request.POST.copy()
    data["based_on"] = str(conflict.latest.number)
    form = FormulationForm(data)
    form.is_valid()
    record(
        action="formulation.viewed",
        request=request,
        client=place.client,
        target=conflict.latest,
        detail={"page": "conflict", "version": conflict.latest.number},
    )
    return _edit_page(request, place, form, status=409, conflict=conflict)


@client_required
def my_formulation_edit(request: HttpRequest) -> HttpResponse:
    return _edit(request, client_place(request))


@clinician_required
def client_formulation_edit(request: HttpRequest, client_id: UUID) -> HttpResponse:
    return _edit(request, clinician_place(request, client_id))


def _changed_titles(newer: FormulationVersion, older: FormulationVersion | None) -> list[str]:
    before = older.texts() if older else {}
    after = newer.texts()
    return [part.title for part in PARTS if before.get(part.key, "") != after[part.key]]


def _history(request: HttpRequest, place: Place) -> HttpResponse:
    formulation = _formulation(place)
    versions = formulation.versions.all() if formulation else FormulationVersion.objects.none()
    page = Paginator(versions, HISTORY_PAGE).get_page(request.GET.get("page"))
    shown: list[FormulationVersion] = list(page.object_list)
    older = None
    if shown and shown[-1].number > 1 and formulation is not None:
        older = formulation.versions.filter(number=shown[-1].number - 1).first()
    belows = [*shown[1:], older] if shown else []
    rows = [
        {"version": version, "changed": _changed_titles(version, below)}
        for version, below in zip(shown, belows, strict=True)
    ]
    record(
        action="formulation.viewed",
        request=request,
        client=place.client,
        target=formulation,
        detail={"page": "history", "versions": [version.number for version in shown]},
    )
    context = {"place": place, "client": place.client, "page": page, "rows": rows}
    return render(request, "formulation/history.html", context)


@client_required
def my_formulation_history(request: HttpRequest) -> HttpResponse:
    return _history(request, client_place(request))


@clinician_required
def client_formulation_history(request: HttpRequest, client_id: UUID) -> HttpResponse:
    return _history(request, clinician_place(request, client_id))


def _changes(request: HttpRequest, place: Place) -> HttpResponse:
    formulation = _formulation(place)
    latest = formulation.version if formulation else 0
    versions = (
        list(formulation.versions.values_list("number", "author_name", "created_at"))
        if formulation
        else []
    )
    form = ChangesForm(request.GET or None, versions=versions, latest=latest)
    changes: tuple[diffs.PartChange, ...] = ()
    pair: dict[str, FormulationVersion | None] = {}
    if formulation is not None and latest and form.is_valid():
        old, new = form.cleaned_data["old"], form.cleaned_data["new"]
        found = {v.number: v for v in formulation.versions.filter(number__in=[old, new])}
        pair = {"old": found.get(old), "new": found.get(new)}
        before = found[old].texts() if old in found else {}
        after = found[new].texts() if new in found else {}
        changes = diffs.compare(before, after, {p.key: p.title for p in PARTS})
        record(
            action="formulation.viewed",
            request=request,
            client=place.client,
            target=formulation,
            detail={"page": "changes", "old": old, "new": new},
        )
    context = {
        "place": place,
        "client": place.client,
        "form": form,
        "changes": changes,
        "pair": pair,
        "changed_count": sum(1 for change in changes if change.changed),
        "has_versions": bool(latest),
    }
    return render(request, "formulation/changes.html", context, status=400 if form.errors else 200)


@client_required
def my_formulation_changes(request: HttpRequest) -> HttpResponse:
    return _changes(request, client_place(request))


@clinician_required
def client_formulation_changes(request: HttpRequest, client_id: UUID) -> HttpResponse:
    return _changes(request, clinician_place(request, client_id))
