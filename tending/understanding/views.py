"""The "not my fault" modules: the client reads and reflects; the clinician sees progress only."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tending.accounts.access import (
    client_required,
    clinician_required,
    get_client_for_user,
    practitioner_required,
)
from tending.accounts.models import ClientProfile
from tending.audit.services import record
from tending.journal.models import JournalEntry
from tending.journal.services import shared_entries
from tending.understanding.definitions import ModuleDefinition, all_modules, module_or_none
from tending.understanding.forms import ReflectionForm
from tending.understanding.models import ModuleProgress
from tending.understanding.services import finish_module, progress_for, record_opened


def _module(module_key: str) -> ModuleDefinition:
    module = module_or_none(module_key)
    if module is None:
        raise Http404
    return module


def _client(request: HttpRequest) -> ClientProfile | None:
    return getattr(request, "client_profile", None)


@practitioner_required
def understanding_list(request: HttpRequest) -> HttpResponse:
    client = _client(request)
    progress = progress_for(client) if client is not None else {}
    rows = [{"module": m, "progress": progress.get(m.key)} for m in all_modules().values()]
    context = {"rows": rows, "is_client": client is not None}
    return render(request, "understanding/module_list.html", context)


def _module_page(
    request: HttpRequest,
    module: ModuleDefinition,
    progress: ModuleProgress | None,
    form: ReflectionForm | None,
    status: int = 200,
) -> HttpResponse:
    client = _client(request)
    earlier = (
        JournalEntry.objects.filter(
            client=client, kind=JournalEntry.Kind.REFLECTION, module_key=module.key
        ).only("public_id", "created_at")[:5]
        if client is not None
        else []
    )
    context = {
        "module": module,
        "progress": progress,
        "form": form,
        "is_client": client is not None,
        "earlier": earlier,
    }
    return render(request, "understanding/module.html", context, status=status)


@practitioner_required
def understanding_module(request: HttpRequest, module_key: str) -> HttpResponse:
    module = _module(module_key)
    client = _client(request)
    if client is None:  # a clinician reading what their clients read
        return _module_page(request, module, None, None)
    progress = record_opened(request=request, client=client, module=module)
    form = ReflectionForm(initial={"token": uuid.uuid4()}, module=module)
    return _module_page(request, module, progress, form)


@require_POST
@client_required
def understanding_finish(request: HttpRequest, module_key: str) -> HttpResponse:
    module = _module(module_key)
    client: ClientProfile = request.client_profile  # type: ignore[attr-defined]
    form = ReflectionForm(request.POST, module=module)
    if not form.is_valid():
        progress = progress_for(client).get(module.key)
        return _module_page(request, module, progress, form, status=400)
    _, entry = finish_module(
        request=request,
        client=client,
        module=module,
        token=form.cleaned_data["token"],
        answers=form.answers(),
    )
    if entry is not None:
        messages.success(
            request,
            "Saved in your journal. Only you can see it, unless you choose to share it.",
        )
        return redirect(entry)
    messages.success(request, f"{module.title}: marked as read. Thank you for taking the time.")
    return redirect("understanding_list")


@clinician_required
def client_understanding(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    client = get_client_for_user(request, client_id)
    record(action="understanding.progress_viewed", request=request, client=client, target=client)
    progress = progress_for(client)
    # Reflections appear here only while the client shares them (newest share wins).
    shared = dict(
        shared_entries(client)
        .filter(kind=JournalEntry.Kind.REFLECTION)
        .order_by("shared_at", "id")
        .values_list("module_key", "public_id")
    )
    rows = [
        {"module": m, "progress": progress.get(m.key), "shared_reflection": shared.get(m.key)}
        for m in all_modules().values()
    ]
    context = {"client": client, "rows": rows}
    return render(request, "understanding/client_understanding.html", context)
