"""Hooks that fit django-axes' sign-in throttling to Tending's sign-in page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tending.accounts.models import normalise_email


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Return the e-mail address being tried, normalised so case tricks share one counter."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalise_email(str(raw))[:254]


def keep_sign_in_page(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """Keep the page our sign-in view rendered (it explains the lockout); else a plain page."""
    if original_response is not None and getattr(request, "tending_lockout_explained", False):
        return original_response
    return render(request, "accounts/locked_out.html", status=429)
