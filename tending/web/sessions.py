"""Session time limits: sign people out when idle or after a maximum time, keeping a late form."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from tending.web import resume

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
