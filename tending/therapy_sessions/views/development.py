"""My development: the clinician's own practice and reflections, seen by nobody else.

Every query here is filtered by the signed-in clinician; there are no URLs with the ids of
entries, so there is nothing another person could ask for.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tending.accounts.access import caseload_for, clinician_required
from tending.accounts.models import Membership
from tending.audit.services import record
from tending.practices.services import practices_for
from tending.therapy_sessions import prompts
from tending.therapy_sessions.forms import OwnPracticeForm, ReflectionForm
from tending.therapy_sessions.models import OwnPractice, Reflection
from tending.therapy_sessions.services import add_reflection, log_own_practice

SHOWN = 30


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined, no-any-return]


def _practice_form(request: HttpRequest, data: Any = None) -> OwnPracticeForm:
    membership = _membership(request)
    today = timezone.localdate()
    return OwnPracticeForm(
        data,
        initial={"token": uuid.uuid4(), "practised_on": today},
        practices=list(practices_for(membership.organisation_id).only("public_id", "title")),
        today=today,
    )


def _reflection_form(request: HttpRequest, data: Any = None) -> ReflectionForm:
    prompt = request.GET.get("prompt", "")
    initial = {"token": uuid.uuid4(), "prompt": prompt if prompt in prompts.BY_KEY else None}
    clients = list(caseload_for(request).only("public_id", "name"))
    return ReflectionForm(data, initial=initial, clients=clients)


def _page(
    request: HttpRequest,
    practice_form: OwnPracticeForm | None = None,
    reflection_form: ReflectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user_id = _membership(request).user_id
    context = {
        "practice_form": practice_form or _practice_form(request),
        "reflection_form": reflection_form or _reflection_form(request),
        "own_practice": OwnPractice.objects.filter(clinician_id=user_id).select_related("practice")[
            :SHOWN
        ],
        "reflections": Reflection.objects.filter(clinician_id=user_id).select_related("client")[
            :SHOWN
        ],
        "prompts_by_layer": prompts.by_layer(),
        "prompt_texts": {p.key: p.text for p in prompts.PROMPTS},
    }
    return render(request, "therapy_sessions/development.html", context, status=status)


@clinician_required
def development(request: HttpRequest) -> HttpResponse:
    record(
        action="development.viewed",
        request=request,
        organisation=_membership(request).organisation,
    )
    return _page(request)


@require_POST
@clinician_required
def development_practice(request: HttpRequest) -> HttpResponse:
    form = _practice_form(request, request.POST)
    if not form.is_valid():
        return _page(request, practice_form=form, status=400)
    _, created = log_own_practice(
        request=request,
        clinician=_membership(request),
        token=form.cleaned_data["token"],
        values=form.values(),
    )
    if created:
        messages.success(request, "Your practice is logged.")
    return redirect(reverse("development") + "#own-practice")


@require_POST
@clinician_required
def development_reflection(request: HttpRequest) -> HttpResponse:
    form = _reflection_form(request, request.POST)
    if not form.is_valid():
        return _page(request, reflection_form=form, status=400)
    prompt = form.chosen_prompt()
    _, created = add_reflection(
        request=request,
        clinician=_membership(request),
        token=form.cleaned_data["token"],
        layer=prompt.layer,
        prompt=prompt.key,
        text=form.cleaned_data["text"],
        client=form.chosen_client(),
    )
    if created:
        messages.success(request, "Your reflection is saved. Only you can read it.")
    return redirect(reverse("development") + "#reflections")
