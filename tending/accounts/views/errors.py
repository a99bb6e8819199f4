"""Calm error pages that never show a traceback or say more than the person needs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _page(status: int, title: str, message: str) -> HttpResponse:
    # Rendered without the request: an error page must not depend on sessions or the database.
    body = render_to_string("error.html", {"title": title, "message": message, "status": status})
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(400, "Something in that request was not right", "Go back and try again.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(403, "This page is not available to you", "Go back to your home page.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        404,
        "We could not find that page",
        "It may have moved, or it may not be yours to see. Go back to your home page.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        500,
        "Something went wrong on our side",
        "Your last change may not have been saved. Please try again in a moment.",
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(
        403,
        "This form had expired",
        "For your security, forms stop working after a while. Go back, reload the page and "
        "try again.",
    )
