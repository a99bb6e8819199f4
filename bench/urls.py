"""Tending's routes plus two pages that exist only for benchmarks.

(a) `bench/minimal/`: the framework's ceiling, a view that returns two bytes.
(b) `bench/reference/`: a plain list page, the baseline the dashboard must match: the signed-in
    clinician's first 50 clients with their latest PHQ-9 total from one annotated query,
    rendered in the same page shell as the dashboard.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path

from tending.accounts.access import caseload_for, clinician_required
from tending.measures.models import Response


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


@clinician_required
def reference(request: HttpRequest) -> HttpResponse:
    latest = Response.objects.filter(
        client=OuterRef("pk"), measure_key="phq9", total__isnull=False
    ).order_by("-completed_at")
    clients = caseload_for(request).annotate(
        latest_total=Subquery(latest.values("total")[:1]),
        latest_band=Subquery(latest.values("band")[:1]),
    )[:50]
    return render(request, "bench/reference.html", {"clients": clients})


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/reference/", reference),
    path("", include("tending.urls")),
]
