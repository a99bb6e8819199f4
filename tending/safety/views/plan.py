"""The safety plan: read it, edit it, its versions, a one-page PDF, and marking it reviewed.

Each page has two doors, the client's own (`my_…`) and their primary clinician's
(`client_…`); both lead to the same code with a `Place` that says who is looking. Cover
clinicians read the plan on the risk episode page only; admins never see it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tending.accounts.access import client_required, clinician_required, get_client_for_user
from tending.accounts.models import ClientProfile
from tending.accounts.throttling import rate_limited
from tending.audit.services import record
from tending.safety.forms_plan import ReviewForm, SafetyPlanForm
from tending.safety.models import Author, SafetyPlan, SafetyPlanVersion
from tending.safety.plan import (
    NothingToReview,
    PlanChanged,
    changed_parts,
    mark_reviewed,
    save_version,
    starting_texts,
)
from tending.safety.plan_parts import PLAN_PARTS
from tending.safety.review import needs_review

HISTORY_PAGE = 20
PAGES = ("safety_plan", "safety_plan_edit", "safety_plan_history", "safety_plan_pdf")


@dataclass
class Place:
    """Who is looking: the client on their own pages, or their clinician on the client's."""

    client: ClientProfile
    is_client: bool
    urls: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        if self.is_client:
            self.urls = {page: reverse(f"my_{page}") for page in PAGES}
        else:
            kwargs = {"client_id": self.client.public_id}
            self.urls = {page: reverse(f"client_{page}", kwargs=kwargs) for page in PAGES}
            self.urls["reviewed"] = reverse("client_safety_plan_reviewed", kwargs=kwargs)

    @property
    def shell(self) -> str:
        return "shell_client.html" if self.is_client else "shell_staff.html"

    @property
    def role(self) -> str:
        return Author.CLIENT if self.is_client else Author.CLINICIAN


def _client_place(request: HttpRequest) -> Place:
    return Place(client=request.client_profile, is_client=True)  # type: ignore[attr-defined]


def _clinician_place(request: HttpRequest, client_id: UUID) -> Place:
    """A client whose primary clinician this is (the caseload rule), or 404."""
    return Place(client=get_client_for_user(request, client_id), is_client=False)


def _plan(place: Place) -> SafetyPlan | None:
    return SafetyPlan.objects.filter(client=place.client).select_related("reviewed_by").first()


def _version(plan: SafetyPlan | None, wanted: str | None) -> SafetyPlanVersion | None:
    """The version asked for in the address, or the latest; None when nothing is written."""
    if plan is None or plan.version == 0:
        return None
    number = plan.version
    if wanted:
        try:
            number = int(wanted)
        except ValueError:
            raise Http404 from None
    version = plan.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def _viewed(request: HttpRequest, place: Place, plan: SafetyPlan | None, **detail: Any) -> None:
    record(
        action="safety_plan.viewed",
        request=request,
        client=place.client,
        target=plan,
        detail=detail,
    )


def _plan_page(request: HttpRequest, place: Place) -> HttpResponse:
    plan = _plan(place)
    version = _version(plan, request.GET.get("version"))
    _viewed(request, place, plan, page="plan", version=version.number if version else 0)
    texts = version.texts() if version else {}
    context = {
        "place": place,
        "client": place.client,
        "plan": plan,
        "version": version,
        "is_latest": plan is None or version is None or version.number == plan.version,
        "parts": [{"part": part, "text": texts.get(part.key, "")} for part in PLAN_PARTS],
        "needs_review": not place.is_client and needs_review(place.client),
    }
    return render(request, "safety/plan.html", context)


@client_required
def my_safety_plan(request: HttpRequest) -> HttpResponse:
    return _plan_page(request, _client_place(request))


@clinician_required
def client_safety_plan(request: HttpRequest, client_id: UUID) -> HttpResponse:
    return _plan_page(request, _clinician_place(request, client_id))


def _edit_page(
    request: HttpRequest,
    place: Place,
    form: SafetyPlanForm,
    *,
    status: int = 200,
    conflict: PlanChanged | None = None,
) -> HttpResponse:
    theirs: dict[str, str] = {}
    if conflict is not None:
        latest = conflict.latest.texts()
        changed = changed_parts(conflict.latest, conflict.base)
        theirs = {part.key: latest[part.key] for part in changed}
    context = {
        "place": place,
        "client": place.client,
        "form": form,
        "fields": [
            {
                "part": part,
                "field": bound,
                "changed": part.key in theirs,
                "theirs": theirs.get(part.key, ""),
            }
            for part, bound in form.parts()
        ],
        "conflict": conflict.latest if conflict else None,
        "conflict_is_mine": conflict is not None and conflict.latest.author_id == request.user.pk,
    }
    return render(request, "safety/plan_form.html", context, status=status)


def _edit(request: HttpRequest, place: Place) -> HttpResponse:
    if request.method != "POST":
        plan = _plan(place)
        version = plan.version if plan else 0
        initial = {"based_on": version, "token": uuid.uuid4(), **starting_texts(place.client)}
        if version:
            _viewed(request, place, plan, page="edit", version=version)
        return _edit_page(request, place, SafetyPlanForm(initial=initial))

    form = SafetyPlanForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, place, form, status=400)
    try:
        saved = save_version(
            request=request,
            client=place.client,
            author=request.user,  # type: ignore[arg-type]
            role=place.role,
            based_on=form.cleaned_data["based_on"],
            token=form.cleaned_data["token"],
            texts=form.texts(),
        )
    except PlanChanged as conflict:
        return _conflict(request, place, conflict)
    if saved.outcome == "unchanged":
        messages.info(request, "Nothing had changed, so no new version was made.")
    elif saved.version is not None:
        messages.success(request, f"Saved as version {saved.version.number}.")
    return redirect(place.urls["safety_plan"])


def _conflict(request: HttpRequest, place: Place, conflict: PlanChanged) -> HttpResponse:
    """Show the form again with what this person typed, now based on the latest version."""
    data = request.POST.copy()
    data["based_on"] = str(conflict.latest.number)
    form = SafetyPlanForm(data)
    form.is_valid()
    _viewed(request, place, conflict.latest.plan, page="conflict", version=conflict.latest.number)
    return _edit_page(request, place, form, status=409, conflict=conflict)


@client_required
def my_safety_plan_edit(request: HttpRequest) -> HttpResponse:
    return _edit(request, _client_place(request))


@clinician_required
def client_safety_plan_edit(request: HttpRequest, client_id: UUID) -> HttpResponse:
    return _edit(request, _clinician_place(request, client_id))


def _history(request: HttpRequest, place: Place) -> HttpResponse:
    plan = _plan(place)
    versions = plan.versions.all() if plan else SafetyPlanVersion.objects.none()
    page = Paginator(versions, HISTORY_PAGE).get_page(request.GET.get("page"))
    shown: list[SafetyPlanVersion] = list(page.object_list)
    older = None
    if plan is not None and shown and shown[-1].number > 1:
        older = plan.versions.filter(number=shown[-1].number - 1).first()
    belows = [*shown[1:], older] if shown else []
    rows = [
        {"version": version, "changed": [part.title for part in changed_parts(version, below)]}
        for version, below in zip(shown, belows, strict=True)
    ]
    _viewed(request, place, plan, page="history", versions=[v.number for v in shown])
    context = {"place": place, "client": place.client, "page": page, "rows": rows}
    return render(request, "safety/plan_history.html", context)


@client_required
def my_safety_plan_history(request: HttpRequest) -> HttpResponse:
    return _history(request, _client_place(request))


@clinician_required
def client_safety_plan_history(request: HttpRequest, client_id: UUID) -> HttpResponse:
    return _history(request, _clinician_place(request, client_id))


def _pdf(request: HttpRequest, place: Place) -> HttpResponse:
    from weasyprint import CSS, HTML  # imported here: it is slow to load and only PDFs need it

    plan = _plan(place)
    version = _version(plan, request.GET.get("version"))
    if version is None:
        messages.info(request, "There is nothing to download yet: the plan has no words.")
        return redirect(place.urls["safety_plan"])
    record(
        action="safety_plan.pdf_downloaded",
        request=request,
        client=place.client,
        target=plan,
        detail={"version": version.number},
    )
    texts = version.texts()
    html = render_to_string(
        "safety/plan_pdf.html",
        {
            "place": place,
            "client": place.client,
            "version": version,
            "parts": [{"part": p, "text": texts[p.key]} for p in PLAN_PARTS if texts[p.key]],
            "generated": timezone.localtime(),
        },
    )
    stylesheet = settings.BASE_DIR / "tending" / "safety" / "plan_pdf.css"
    # Tagged, so screen readers can follow its headings.
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(stylesheet))], pdf_tags=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="safety-plan-v{version.number}.pdf"'
    return response


@client_required
@rate_limited("exports")
def my_safety_plan_pdf(request: HttpRequest) -> HttpResponse:
    return _pdf(request, _client_place(request))


@clinician_required
@rate_limited("exports")
def client_safety_plan_pdf(request: HttpRequest, client_id: UUID) -> HttpResponse:
    return _pdf(request, _clinician_place(request, client_id))


@require_POST
@clinician_required
def client_safety_plan_reviewed(request: HttpRequest, client_id: UUID) -> HttpResponse:
    place = _clinician_place(request, client_id)
    plan = _plan(place)
    form = ReviewForm(request.POST)
    if plan is None or not form.is_valid():
        messages.error(request, "There is nothing to mark reviewed yet: the plan has no words.")
        return redirect(place.urls["safety_plan"])
    try:
        mark_reviewed(request=request, plan=plan, version=form.cleaned_data["version"])
    except NothingToReview:
        messages.error(request, "There is nothing to mark reviewed yet: the plan has no words.")
    except PlanChanged as changed:
        messages.warning(
            request,
            f"{changed.latest.author_name} saved version {changed.latest.number} after you "
            "opened this page, so it was not marked reviewed. Read it below, then mark it "
            "reviewed.",
        )
    else:
        messages.success(request, "Marked reviewed.")
    return redirect(place.urls["safety_plan"])
