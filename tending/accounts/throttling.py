"""Throttling: django-axes for sign-in, and database-counted limits for everything else.

Sign-in failures are counted by django-axes (its database handler). Invitations, password
reset requests and exports are counted here, in fixed windows stored in the database so every
web worker shares one count without Redis or memcached. (django-ratelimit needs a cache with
atomic increments, which Django's database and local-memory caches are not.) Limits are in
`settings.RATE_LIMITS`: {name: (requests allowed, window in seconds)}.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme

from tending.accounts.models import RateLimitCount, normalise_email
from tending.audit.models import AuditEvent
from tending.audit.network import client_ip
from tending.audit.services import record

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


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


@dataclass(frozen=True)
class Refusal:
    """A request over its limit: which limit, and when the window ends."""

    limit: str
    retry_at: datetime

    def retry_after_seconds(self, now: datetime) -> int:
        return max(1, int((self.retry_at - now).total_seconds()) + 1)

    def message(self) -> str:
        """Return a sentence saying when to try again, in the reader's time zone."""
        return f"You can try again at {timezone.localtime(self.retry_at):%H:%M}."


def _window(limit: str, who: str, now: datetime) -> tuple[str, datetime, int]:
    allowed, seconds = settings.RATE_LIMITS[limit]
    number = int(now.timestamp()) // seconds
    ends = datetime.fromtimestamp((number + 1) * seconds, tz=UTC)
    key = salted_hmac(
        "tending.rate_limit", f"{limit}\0{who}\0{number}", algorithm="sha256"
    ).hexdigest()
    return key, ends, allowed


def _count_one(key: str, ends: datetime, now: datetime) -> int:
    """Add one to the window's count and return the new count, atomically in any worker.

    Always the same four statements, so a page costs the same queries on every visit.
    """
    with transaction.atomic():
        RateLimitCount.objects.filter(expires_at__lte=now).delete()
        RateLimitCount.objects.bulk_create(
            [RateLimitCount(key=key, count=0, expires_at=ends)], ignore_conflicts=True
        )
        RateLimitCount.objects.filter(key=key).update(count=F("count") + 1)
        return RateLimitCount.objects.values_list("count", flat=True).get(key=key)


def check(request: HttpRequest, limit: str, who: str) -> Refusal | None:
    """Count this request against `limit` for `who`; return a Refusal (audited) if over it."""
    now = timezone.now()
    key, ends, allowed = _window(limit, who, now)
    if _count_one(key, ends, now) <= allowed:
        return None
    refusal = Refusal(limit=limit, retry_at=ends)
    record(
        action="rate_limit.exceeded",
        request=request,
        outcome=AuditEvent.Outcome.DENIED,
        # The page's name, not its path: invitation paths carry their token.
        detail={"limit": limit, "page": getattr(request.resolver_match, "view_name", "")},
    )
    return refusal


def peek(limit: str, who: str) -> Refusal | None:
    """Return a Refusal if `who` was already refused in this window, without counting."""
    now = timezone.now()
    key, ends, allowed = _window(limit, who, now)
    used = RateLimitCount.objects.filter(key=key).values_list("count", flat=True).first() or 0
    return Refusal(limit=limit, retry_at=ends) if used > allowed else None


def person(request: HttpRequest) -> str:
    return f"user:{getattr(request.user, 'public_id', '')}"


def address(request: HttpRequest) -> str:
    return f"ip:{client_ip(request)}"


def with_retry_after(response: HttpResponse, refusal: Refusal) -> HttpResponse:
    response["Retry-After"] = str(refusal.retry_after_seconds(timezone.now()))
    return response


def limited_page(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """Return the calm 429 page: what happened, when to try again, a way back."""
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    context = {"refusal": refusal, "back": back, "reason": REASONS.get(refusal.limit, "")}
    response = render(request, "accounts/rate_limited.html", context, status=429)
    return with_retry_after(response, refusal)


REASONS = {
    "exports": "You have downloaded many reports and exports in a short time. To protect "
    "the records in them, downloads pause for a while.",
    "invitations_sent": "You have sent many invitations in a short time, so sending pauses "
    "for a while.",
    "invitation_accept": "There were many attempts to use invitation links from this "
    "network, so they pause for a while.",
}


def rate_limited(limit: str, who: Callable[[HttpRequest], str] = person) -> Callable[[View], View]:
    """Refuse a view with the 429 page once `who` has used up `limit` in this window.

    Put it below the access decorator, so only people who may use the view are counted.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            refusal = check(request, limit, who(request))
            if refusal is not None:
                return limited_page(request, refusal)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
