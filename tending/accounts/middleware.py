"""Session time limits, private caching and browser feature limits, applied to every request."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tending.accounts import resume
from tending.accounts.views.errors import database_unavailable, is_storage_failure

logger = logging.getLogger("django.request")

SESSION_STARTED = "tending_signed_in_at"
SESSION_LAST_SEEN = "tending_last_seen_at"
SIGNED_OUT_REASON = "tending_signed_out_reason"
# Record activity at most once a minute, so reading pages does not write the session each time.
_LAST_SEEN_RESOLUTION = 60


def start_session_clock(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now


class SessionTimeoutMiddleware:
    """Sign people out after `TENDING_SESSION_IDLE_MINUTES` idle or `..._MAX_HOURS` in all.

    A form that arrives just too late is kept, and sent once the same person signs in again
    (see resume.py), so answers typed slowly are not lost.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED)
            last_seen = request.session.get(SESSION_LAST_SEEN)
            if started is None or last_seen is None:
                start_session_clock(request)
            elif (
                now - last_seen > settings.SESSION_IDLE_SECONDS
                or now - started > settings.SESSION_MAX_SECONDS
            ):
                reason = "idle" if now - last_seen > settings.SESSION_IDLE_SECONDS else "max"
                kept = resume.form_worth_keeping(request)
                logout(request)
                request.session[SIGNED_OUT_REASON] = reason
                if kept is not None:
                    resume.keep(request, kept)
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            elif now - last_seen >= _LAST_SEEN_RESOLUTION:
                request.session[SESSION_LAST_SEEN] = now
            kept = resume.take_ready(request)
            if kept is not None:
                return resume.replay(request, kept, self.get_response)
        return self.get_response(request)


class NoStoreMiddleware:
    """Tell browsers and proxies not to keep copies of pages.

    Static files are answered by WhiteNoise before this middleware and keep their own caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response


class PermissionsPolicyMiddleware:
    """Turn off powerful browser features on every response; only recording needs the mic."""

    POLICY = "camera=(), geolocation=(), payment=(), usb=(), microphone=(self)"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.POLICY)
        return response


class ClientTimeZoneMiddleware:
    """Show a signed-in client every date and time in their own time zone.

    Staff pages stay in the server's zone; where they show a client's times, the template says
    whose clock it is.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # Staff arrive with their membership loaded (see backends.py), so asking for it costs
        # no query; only clients then load the profile, which their pages use anyway.
        is_client = user.is_authenticated and getattr(user, "membership", None) is None
        profile = getattr(user, "client_profile", None) if is_client else None
        if profile is not None:
            try:
                timezone.activate(ZoneInfo(profile.time_zone))
            except (ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


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
