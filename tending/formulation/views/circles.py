"""Three-circles check-ins: record one, and look back over them as pictures and a trend."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tending.accounts.access import client_required, clinician_required
from tending.audit.services import record
from tending.formulation import three_circles
from tending.formulation.forms import CirclesCheckInForm
from tending.formulation.models import CirclesCheckIn
from tending.formulation.services import save_check_in
from tending.formulation.views.place import Place, client_place, clinician_place

PER_PAGE = 10
TREND_MOST = 60  # the trend draws at most this many of the latest check-ins


def _trend(place: Place) -> three_circles.Trend | None:
    zone = ZoneInfo(place.client.time_zone)
    rows = CirclesCheckIn.objects.filter(client=place.client).values_list(
        "created_at", "threat", "drive", "soothe"
    )[:TREND_MOST]
    return three_circles.trend(
        [
            three_circles.CheckInRatings(
                at=at, day=timezone.localdate(at, zone), threat=threat, drive=drive, soothe=soothe
            )
            for at, threat, drive, soothe in rows
        ]
    )


def _circles_page(request: HttpRequest, place: Place) -> HttpResponse:
    check_ins = CirclesCheckIn.objects.filter(client=place.client)
    page = Paginator(check_ins, PER_PAGE).get_page(request.GET.get("page"))
    rows: list[dict[str, Any]] = [
        {"check_in": c, "picture": three_circles.picture(c.threat, c.drive, c.soothe, largest=18)}
        for c in page.object_list
    ]
    first_page = page.number == 1 and bool(rows)
    latest = rows[0]["check_in"] if first_page else None
    record(
        action="circles.viewed",
        request=request,
        client=place.client,
        detail={"page": page.number, "check_ins": [str(row["check_in"].public_id) for row in rows]},
    )
    context = {
        "place": place,
        "client": place.client,
        "page": page,
        "rows": rows,
        "latest": latest,
        "picture": (
            three_circles.picture(latest.threat, latest.drive, latest.soothe) if latest else None
        ),
        "trend": _trend(place) if first_page else None,
    }
    return render(request, "formulation/circles.html", context)


@client_required
def my_circles(request: HttpRequest) -> HttpResponse:
    return _circles_page(request, client_place(request))


@clinician_required
def client_circles(request: HttpRequest, client_id: UUID) -> HttpResponse:
    return _circles_page(request, clinician_place(request, client_id))


def _new(request: HttpRequest, place: Place) -> HttpResponse:
    if request.method == "POST":
        form = CirclesCheckInForm(request.POST)
        if form.is_valid():
            _, created = save_check_in(
                request=request,
                client=place.client,
                recorded_by=request.user,  # type: ignore[arg-type]
                role=place.role,
                values=form.values(),
            )
            if created:
                messages.success(
                    request, "Your check-in is saved." if place.is_client else "Check-in saved."
                )
            return redirect(place.urls["circles"])
    else:
        form = CirclesCheckInForm(initial={"token": uuid.uuid4()})
    context = {"place": place, "client": place.client, "form": form}
    status = 400 if form.errors else 200
    return render(request, "formulation/circles_form.html", context, status=status)


@client_required
def my_circles_new(request: HttpRequest) -> HttpResponse:
    return _new(request, client_place(request))


@clinician_required
def client_circles_new(request: HttpRequest, client_id: UUID) -> HttpResponse:
    return _new(request, clinician_place(request, client_id))
