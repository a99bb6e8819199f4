"""Calm error pages that never show a traceback or say more than the person needs."""

from __future__ import annotations

import errno
import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
logger = logging.getLogger("django.request")


def is_storage_failure(exception: BaseException | None) -> bool:
    """Return True for a failure of the database or a full disk, which a retry may cure.

    Locked, full, unreachable or lost databases raise OperationalError or InterfaceError; an
    IntegrityError or ProgrammingError is a bug that a retry would repeat, so it stays a 500.
    """
    if isinstance(exception, OSError):
        return exception.errno in _DISK_FULL
    return isinstance(exception, OperationalError | InterfaceError)


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
    # Django calls this while handling the exception, so it is still at hand. A database
    # failure outside the view (loading or saving the session) is a 503 with the same
    # uncertainty as any other error: the view may or may not have run.
    if is_storage_failure(sys.exc_info()[1]):
        response = _page(
            503,
            "We could not reach our records just now",
            "Please wait a moment and try again. If you had just sent something, check whether "
            "it was saved before you send it again.",
        )
        response["Retry-After"] = "5"
        return response
    return _page(
        500,
        "Something went wrong on our side",
        "Your last change may not have been saved. Please try again in a moment.",
    )


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """Return the 503 page for a database error during a view: its writes were rolled back."""
    response = _page(
        503,
        "Nothing was saved",
        "We could not reach our records just now, so nothing you sent was saved. "
        "Please wait a moment and try again.",
    )
    response["Retry-After"] = "5"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(
        403,
        "This form had expired",
        "For your security, forms stop working after a while. Go back, reload the page and "
        "try again.",
    )


class DatabaseErrorMiddleware:
    """Answer a database failure or a full disk in a view with a calm 503 "nothing was saved".

    Every write path runs in one transaction (and a recording's file is removed when its row
    does not commit), so when the database fails (locked, full, gone) or the disk is full the
    view's writes are undone and the person can simply try again. The error is still logged
    with its traceback, like any other server error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_storage_failure(exception):
            return None
        logger.error(
            "Nothing saved, answered 503: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 503, "request": request},
        )
        return database_unavailable(request)
