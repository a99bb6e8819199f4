"""Dates and times shown in the signed-in client's own time zone."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


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
