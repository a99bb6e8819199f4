from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tending.accounts.models import Organisation


def _organisation_for(request: HttpRequest) -> Organisation | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    organisation: Organisation | None = user.organisation
    return organisation


def page_context(request: HttpRequest) -> dict[str, Any]:
    """Give templates the page frame and the crisis contacts (loaded only if a page shows them)."""

    def load() -> dict[str, Any]:
        organisation = _organisation_for(request)
        if organisation is None:
            return {"message": "", "contacts": []}
        return {
            "message": organisation.crisis_message,
            "contacts": list(organisation.crisis_contacts.all()),
        }

    return {"crisis_support": SimpleLazyObject(load), "shell": _shell_for(request)}


def _shell_for(request: HttpRequest) -> str:
    """Return the page frame for this person: the calm client shell, staff, or public."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "shell_public.html"
    return "shell_client.html" if user.role == "client" else "shell_staff.html"
