"""Practice over time: the client's own history and their clinician's view of it."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tending.accounts.access import client_required, clinician_required, get_client_for_user
from tending.accounts.models import ClientProfile
from tending.audit.services import record
from tending.practices import progress
from tending.practices.models import PracticeLog

WEEKS_SHOWN = 8


def _sessions(client: ClientProfile) -> list[progress.Session]:
    """Recent practice, each on the day it was in the client's own time zone."""
    zone = ZoneInfo(client.time_zone)
    since = timezone.now() - timedelta(weeks=WEEKS_SHOWN + 1)
    rows = PracticeLog.objects.filter(client=client, started_at__gte=since).values_list(
        "started_at", "seconds_practised", "feeling"
    )
    return [
        progress.Session(
            day=timezone.localdate(started, zone),
            started_at=started,
            seconds=seconds,
            feeling=feeling,
        )
        for started, seconds, feeling in rows
    ]


def _weeks(client: ClientProfile, sessions: list[progress.Session]) -> list[dict[str, object]]:
    today = timezone.localdate(timezone.now(), ZoneInfo(client.time_zone))
    weeks = progress.weekly_minutes(sessions, today, WEEKS_SHOWN)
    longest = max((week.minutes for week in weeks), default=0) or 1
    # Bar lengths in tenths, as CSS classes: the page's CSP allows no inline styles.
    return [{"week": week, "decile": round(10 * week.minutes / longest) * 10} for week in weeks]


@client_required
def my_practice(request: HttpRequest) -> HttpResponse:
    client: ClientProfile = request.client_profile  # type: ignore[attr-defined]
    logs = PracticeLog.objects.filter(client=client).select_related("practice")
    page = Paginator(logs, 20).get_page(request.GET.get("page"))
    context = {"page": page, "weeks": _weeks(client, _sessions(client))}
    return render(request, "practices/my_practice.html", context)


@clinician_required
def client_practice(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = get_client_for_user(request, client_id)
    record(action="client.practice_viewed", request=request, client=client, target=client)
    sessions = _sessions(client)
    now = timezone.now()
    logs = PracticeLog.objects.filter(client=client).select_related("practice")[:30]
    context = {
        "client": client,
        "weeks": _weeks(client, sessions),
        "logs": logs,
        "stirred_up": progress.stirred_up_recently(sessions, now),
        "needs_attention": progress.needs_attention(sessions, now),
    }
    return render(request, "practices/client_practice.html", context)
