"""Read-only report pages: the caseload dashboard, a client's progress, PDF and CSV exports.

Every page that shows clinical data writes an audit event, including cached ones: caching
saves the computing, never the record of who looked.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from tending.accounts.access import caseload_for, clinician_required, get_client_for_user
from tending.accounts.models import ClientProfile
from tending.accounts.throttling import rate_limited
from tending.assignments import schedules
from tending.audit.services import record
from tending.reports import dashboard as board
from tending.reports import exports, layers
from tending.reports.forms import PeriodForm
from tending.reports.progress import DEFAULT_PERIOD, PERIODS, gather
from tending.reports.risk_history import risk_history
from tending.revisions import services as revisions
from tending.safety.banner import open_alerts_for
from tending.safety.review import needs_review
from tending.web.downloads import csv_download

PROGRESS_CACHE_SECONDS = 600


@clinician_required
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    sort = request.GET.get("sort", "attention")
    if sort not in board.SORTS:
        sort = "attention"
    now = timezone.now()
    revision = revisions.caseload_number(membership.user_id)
    computed = board.dashboard_rows(
        lambda: caseload_for(request), str(membership.user.public_id), now, revision
    )
    rows = board.sort_rows(computed, sort)
    page = Paginator(rows, board.PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        action="caseload.dashboard_viewed",
        request=request,
        organisation=membership.organisation,
        detail={"sort": sort, "page": page.number},
    )
    context = {
        "page": page,
        "sort": sort,
        "sorts": board.SORTS,
        "sort_label": board.SORTS[sort],
        "revision": revision,
        "today": now.date().isoformat(),
        "cache_seconds": revisions.CACHE_SECONDS,
        "clinician_id": membership.user.public_id,
        "with_alerts": sum(1 for row in rows if row.alerts),
        "client_count": len(rows),
        # The staff banner, from the same cached rows (it would otherwise query again).
        "open_risk_alerts": board.banner_alerts(computed),
    }
    return render(request, "reports/dashboard.html", context)


def _period(request: HttpRequest, client: ClientProfile) -> tuple[PeriodForm, str, date | None]:
    today = schedules.local_today(timezone.now(), client.time_zone)
    form = PeriodForm(request.GET or None, today=today)
    if request.GET and form.is_valid():
        period = form.cleaned_data["period"] or DEFAULT_PERIOD
        return form, period, form.cleaned_data["start"]
    return form, DEFAULT_PERIOD, None


@clinician_required
def client_progress(request: HttpRequest, client_id: UUID) -> HttpResponse:
    # Both revisions that key the caches below come in the client's own query.
    client = get_client_for_user(request, client_id, annotations=revisions.REVISIONS)
    form, period, start = _period(request, client)
    record(
        action="client.progress_viewed",
        request=request,
        client=client,
        target=client,
        detail={"period": period, "start": start.isoformat() if start else ""},
    )
    now = timezone.now()
    membership = request.membership  # type: ignore[attr-defined]
    client_revision = int(client.client_revision or 0)  # type: ignore[attr-defined]
    caseload_revision = int(client.caseload_revision or 0)  # type: ignore[attr-defined]
    context = {
        # The staff banner, kept under the caseload's revision (no query while it holds).
        "open_risk_alerts": board.cached_banner(
            str(membership.user.public_id),
            caseload_revision,
            now,
            lambda: open_alerts_for(membership),
        ),
        "client": client,
        "form": form,
        "periods": PERIODS,
        "period": period if start is None else "custom",
        # Computed only if the cached page fragment below has expired or the data changed.
        "progress": SimpleLazyObject(lambda: gather(client, now, period, start)),
        "cache_key": [
            client.public_id,
            client_revision,
            period,
            start.isoformat() if start else "",
            schedules.local_today(now, client.time_zone).isoformat(),
        ],
        "cache_seconds": PROGRESS_CACHE_SECONDS,
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "reports/progress.html", context, status=status)


@clinician_required
@rate_limited("exports")
def client_progress_pdf(request: HttpRequest, client_id: UUID) -> HttpResponse:
    from weasyprint import CSS, HTML  # imported here: it is slow to load and only PDFs need it

    client = get_client_for_user(request, client_id)
    _, period, start = _period(request, client)
    now = timezone.now()
    progress = gather(client, now, period, start)
    record(
        action="client.progress_pdf_downloaded",
        request=request,
        client=client,
        target=client,
        detail={"period": period, "start": start.isoformat() if start else ""},
    )
    html = render_to_string(
        "reports/progress_pdf.html",
        {
            "client": client,
            "progress": progress,
            "clinician": request.user,
            "generated": timezone.localtime(now),
        },
    )
    stylesheet = settings.BASE_DIR / "tending" / "reports" / "pdf.css"
    # Tagged, so screen readers can follow its headings and tables.
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(stylesheet))], pdf_tags=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"progress-{progress.first:%Y%m%d}-to-{progress.last:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@clinician_required
@rate_limited("exports")
def client_csv(request: HttpRequest, client_id: UUID) -> StreamingHttpResponse:
    client = get_client_for_user(request, client_id)
    record(action="client.data_exported", request=request, client=client, target=client)
    clients = ClientProfile.objects.filter(pk=client.pk)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return csv_download(exports.export_rows(clients), f"tending-client-{stamp}.csv")


@clinician_required
@rate_limited("exports")
def caseload_csv(request: HttpRequest) -> StreamingHttpResponse:
    clients = caseload_for(request)
    record(
        action="caseload.data_exported",
        request=request,
        organisation=request.membership.organisation,  # type: ignore[attr-defined]
        detail={"clients": clients.count()},
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return csv_download(exports.export_rows(clients), f"tending-caseload-{stamp}.csv")


@clinician_required
def data_dictionary(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/data_dictionary.html", {"columns": exports.COLUMNS})


@clinician_required
def client_layers(request: HttpRequest, client_id: UUID) -> HttpResponse:
    """The layer map: what has happened so far in each of CFT's four layers."""
    client = get_client_for_user(request, client_id)
    record(action="client.layer_map_viewed", request=request, client=client, target=client)
    context = {
        "client": client,
        "map": layers.build(client, timezone.now()),
        "quiet_days": layers.QUIET_DAYS,
    }
    return render(request, "reports/layers.html", context)


@clinician_required
def client_risk_history(request: HttpRequest, client_id: UUID) -> HttpResponse:
    """Every risk episode of a client with its answers and actions, and the risk entries of
    session notes placed with the episode they followed."""
    client = get_client_for_user(request, client_id)
    record(action="client.risk_history_viewed", request=request, client=client, target=client)
    context = {
        "client": client,
        "periods": risk_history(client),
        "plan_needs_review": needs_review(client),
    }
    return render(request, "reports/risk_history.html", context)
