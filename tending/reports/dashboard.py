"""The caseload dashboard: every client's latest scores, change, adherence and last contact.

Built for a caseload of hundreds with years of history: the rows come from a fixed number of
queries whatever the size (clients, open risk episodes, safety-plan reviews, first and latest
score per measure, last practice, last answer, active homework with its history, and this
week's practice and answers), and the result is cached under the clinician's caseload
revision (`tending.revisions`), which the services that write move in the same transaction
as any change the rows show. Risk never waits for a cache: the revision moves when an answer
is raised or an episode closed, and every staff page also shows open episodes live in its
banner.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet
from django.urls import reverse

from tending.accounts.models import ClientProfile
from tending.assignments import schedules
from tending.assignments.models import Assignment
from tending.assignments.services import adherence, safety_pause_applies
from tending.measures.definitions import load_definitions
from tending.measures.models import Response
from tending.measures.reliable_change import ChangeError, classify_change
from tending.measures.scoring import band_for
from tending.measures.services import answerable_online
from tending.practices.models import PracticeLog
from tending.revisions import services as revisions
from tending.safety.banner import BannerAlert
from tending.safety.models import Priority, RiskEpisode
from tending.safety.review import plan_not_reviewed

PAGE_SIZE = 50

# Most concerning first, for sorting by change.
CHANGE_ORDER = {"deteriorated": 0, "unchanged": 1, "improved": 2, "recovered": 3}

SORTS = {
    "attention": "Needs attention first",
    "name": "Name",
    "change": "Change (deteriorated first)",
    "adherence": "Homework this week (least first)",
    "contact": "Last contact (longest ago first)",
}


@dataclass
class Score:
    measure: str
    short_title: str
    total: float
    band: str
    day: date
    status: str  # recovered / improved / unchanged / deteriorated / baseline / no rule


@dataclass
class Row:
    client_id: str
    name: str
    url: str  # the client's record
    progress_url: str
    alerts: int = 0  # answers in the client's open risk episode
    high_alert: bool = False
    plan_needs_review: bool = False  # a risk answer came after the safety plan's last review
    scores: list[Score] = field(default_factory=list)
    expected: int = 0
    done: int = 0
    last_contact: date | None = None
    has_homework: bool = False
    open_alerts: list[BannerAlert] = field(default_factory=list)

    @property
    def worst_change(self) -> str | None:
        ranked = [s.status for s in self.scores if s.status in CHANGE_ORDER]
        return min(ranked, key=CHANGE_ORDER.__getitem__) if ranked else None

    @property
    def adherence_percent(self) -> int | None:
        return round(100 * self.done / self.expected) if self.expected else None


def compute_rows(clients: QuerySet[ClientProfile], now: datetime) -> list[Row]:
    """The dashboard rows for `clients`, in name order, from a fixed number of queries."""
    profiles = list(clients.order_by("name", "id").only("id", "public_id", "name", "time_zone"))
    ids = [client.id for client in profiles]
    rows = {
        client.id: Row(
            client_id=str(client.public_id),
            name=client.name,
            url=reverse("client_detail", args=[client.public_id]),
            progress_url=reverse("client_progress", args=[client.public_id]),
        )
        for client in profiles
    }
    zones = {client.id: client.time_zone for client in profiles}
    if not ids:
        return []

    for client_id, public_id, priority, opened_at, answers in (
        RiskEpisode.objects.filter(client_id__in=ids, closed_at=None)
        .annotate(answer_count=Count("answers"))
        .values_list("client_id", "public_id", "priority", "opened_at", "answer_count")
    ):
        row = rows[client_id]
        row.alerts = answers
        row.high_alert = priority == Priority.HIGH
        row.open_alerts.append(BannerAlert(public_id, priority, opened_at, row.name, answers))
    for client_id in plan_not_reviewed(ids):
        rows[client_id].plan_needs_review = True

    _add_scores(rows, ids, zones)

    for client_id, last_practice in (
        PracticeLog.objects.filter(client_id__in=ids)
        .values("client_id")
        .annotate(last=Max("started_at"))
        .values_list("client_id", "last")
    ):
        rows[client_id].last_contact = schedules.local_today(last_practice, zones[client_id])
    # Answering a questionnaire is contact too, even one left incomplete.
    for client_id, last_answer in (
        Response.objects.filter(client_id__in=ids)
        .values("client_id")
        .annotate(last=Max("completed_at"))
        .values_list("client_id", "last")
    ):
        answered = schedules.local_today(last_answer, zones[client_id])
        row = rows[client_id]
        row.last_contact = max(row.last_contact or answered, answered)

    _add_adherence(rows, ids, now)
    return [rows[client.id] for client in profiles]


def _add_scores(rows: dict[int, Row], ids: list[int], zones: dict[int, str]) -> None:
    """First and latest scored response per client and measure, in one query."""
    definitions = load_definitions()
    # When each client first and last completed each questionnaire (from the index), then
    # those responses themselves: two short queries instead of ranking every response.
    spans = list(
        Response.objects.filter(client_id__in=ids, complete=True)
        .values("client_id", "measure_key")
        .annotate(first_at=Min("completed_at"), last_at=Max("completed_at"))
        .values_list("client_id", "measure_key", "first_at", "last_at")
    )
    wanted = {moment for *_, first_at, last_at in spans for moment in (first_at, last_at)}
    found: dict[tuple[int, str, datetime], tuple[float | None, str, dict[str, float]]] = {}
    for client_id, key, moment, total, band, subscales in Response.objects.filter(
        client_id__in=ids, complete=True, completed_at__in=wanted
    ).values_list("client_id", "measure_key", "completed_at", "total", "band", "subscales"):
        found[(client_id, key, moment)] = (total, band, subscales or {})
    firsts: dict[tuple[int, str], float | None] = {}
    latests: dict[tuple[int, str], tuple[float | None, str, dict[str, float], datetime]] = {}
    single: set[tuple[int, str]] = set()  # only one score so far: it is the baseline
    for client_id, key, first_at, last_at in spans:
        first_row, last_row = (
            found.get((client_id, key, first_at)),
            found.get((client_id, key, last_at)),
        )
        if first_row is None or last_row is None:
            continue
        firsts[(client_id, key)] = first_row[0]
        latests[(client_id, key)] = (*last_row, last_at)
        if first_at == last_at:
            single.add((client_id, key))
    for (client_id, key), (total, band, subscales, completed_at) in sorted(latests.items()):
        definition = definitions.get(key)
        if definition is None:
            continue
        day = schedules.local_today(completed_at, zones[client_id])
        if definition.total is None or total is None:
            # Scored by subscales only (DASS-21, FSCRS, CEAS): each shown, change not judged.
            for rule in definition.subscales:
                value = subscales.get(rule.key)
                if value is None:
                    continue
                rows[client_id].scores.append(
                    Score(
                        measure=key,
                        short_title=f"{definition.short_title} {rule.title}",
                        total=value,
                        band=band_for(rule.bands, value) or "",
                        day=day,
                        status="baseline" if (client_id, key) in single else "no rule",
                    )
                )
            continue
        first = firsts[(client_id, key)]
        status = "baseline"
        if (client_id, key) not in single and first is not None:
            try:
                status = classify_change(definition, first, total).classification
            except ChangeError:
                status = "no rule"
        rows[client_id].scores.append(
            Score(
                measure=key,
                short_title=definition.short_title,
                total=total,
                band=band,
                day=day,
                status=status,
            )
        )
    for row in rows.values():
        row.scores.sort(key=lambda score: score.short_title)


def _add_adherence(rows: dict[int, Row], ids: list[int], now: datetime) -> None:
    """This week's homework: occurrences that closed or were done, and how many were done."""
    since = now - timedelta(days=8)
    assignments = list(
        Assignment.objects.filter(client_id__in=ids)
        .filter(Q(status=Assignment.Status.ACTIVE) | Q(updated_at__gte=since))
        .select_related("client", "practice")
        .prefetch_related("history")
    )
    if not assignments:
        return
    # No query unless a scoring-only questionnaire is set (H-005); one organisation's caseload.
    online = answerable_online(
        assignments[0].client.organisation_id,
        {a.measure_key for a in assignments if a.measure_key},
    )
    practised: dict[int, dict[int, list[datetime]]] = defaultdict(dict)
    for client_id, practice_id, started in PracticeLog.objects.filter(
        client_id__in=ids, started_at__gte=since
    ).values_list("client_id", "practice_id", "started_at"):
        practised[client_id].setdefault(practice_id, []).append(started)
    answered: dict[int, dict[str, list[datetime]]] = defaultdict(dict)
    for client_id, key, completed in Response.objects.filter(
        client_id__in=ids, completed_at__gte=since
    ).values_list("client_id", "measure_key", "completed_at"):
        answered[client_id].setdefault(key, []).append(completed)
    for assignment in assignments:
        row = rows[assignment.client_id]
        if assignment.status == Assignment.Status.ACTIVE:
            row.has_homework = True
        if safety_pause_applies(assignment, row.alerts > 0):
            continue  # resting while a risk alert is open: never counted as expected
        (week,) = adherence(
            assignment,
            now,
            weeks=1,
            done=(practised[assignment.client_id], answered[assignment.client_id]),
            answerable=not assignment.measure_key or assignment.measure_key in online,
        )
        row.expected += week.expected
        row.done += week.done


class Caseload(list[Row]):
    """Computed rows, kept with the orders and the banner worked out from them: while the rows
    are cached, each order is sorted once, not on every page view."""

    def __init__(self, rows: list[Row]) -> None:
        super().__init__(rows)
        self.orders: dict[str, list[Row]] = {}
        self.banner: list[BannerAlert] | None = None


def banner_alerts(rows: list[Row]) -> list[BannerAlert]:
    """Every open alert on the caseload, high priority first, then oldest first.

    Read from the same revision-keyed rows as the table, so the banner and the table agree and
    the page needs no query of its own for them.
    """
    if isinstance(rows, Caseload) and rows.banner is not None:
        return rows.banner
    alerts = [alert for row in rows for alert in row.open_alerts]
    alerts.sort(key=lambda a: (a.priority != Priority.HIGH, a.opened_at))
    if isinstance(rows, Caseload):
        rows.banner = alerts
    return alerts


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    """Clients with an open risk alert come first in every order (high priority first)."""
    if isinstance(rows, Caseload):
        held = rows.orders.get(sort)
        if held is None:
            held = rows.orders[sort] = _sorted(rows, sort)
        return held
    return _sorted(rows, sort)


def _sorted(rows: list[Row], sort: str) -> list[Row]:

    def alert_rank(row: Row) -> int:
        return 0 if row.high_alert else 1 if row.alerts else 2

    def by_name(row: Row) -> tuple[str, str]:
        return (row.name.casefold(), row.client_id)

    def change_rank(row: Row) -> int:
        worst = row.worst_change
        return CHANGE_ORDER[worst] if worst else len(CHANGE_ORDER)

    def adherence_rank(row: Row) -> float:
        percent = row.adherence_percent
        return percent if percent is not None else 101

    def contact_rank(row: Row) -> int:
        return row.last_contact.toordinal() if row.last_contact else 0

    keys = {
        "name": lambda row: (alert_rank(row), *by_name(row)),
        "change": lambda row: (alert_rank(row), change_rank(row), *by_name(row)),
        "adherence": lambda row: (alert_rank(row), adherence_rank(row), *by_name(row)),
        "contact": lambda row: (alert_rank(row), contact_rank(row), *by_name(row)),
        "attention": lambda row: (
            alert_rank(row),
            0 if row.worst_change == "deteriorated" else 1,
            *by_name(row),
        ),
    }
    return sorted(rows, key=keys.get(sort, keys["attention"]))


def dashboard_rows(
    clients: Callable[[], QuerySet[ClientProfile]], clinician: str, now: datetime, revision: int
) -> list[Row]:
    """The rows, from the cache when nothing has changed since they were computed.

    `clinician` is the clinician's public id: row ids can be reused after a delete, UUIDs not.
    """
    key = revisions.caseload_key(clinician, revision, now)
    return revisions.DASHBOARD_ROWS.held(key, now, lambda: Caseload(compute_rows(clients(), now)))


def cached_banner(
    clinician: str, revision: int, now: datetime, load: Callable[[], list[BannerAlert]]
) -> list[BannerAlert]:
    """The staff banner's alerts under a caseload revision: from the dashboard's rows if they
    are held, else from `load` (kept as long as rows would be).

    Every change to an alert or to the caseload moves the revision, so a banner kept under it
    is never staler than the dashboard's own.
    """
    key = revisions.caseload_key(clinician, revision, now)
    rows = revisions.DASHBOARD_ROWS.get(key, now)
    if rows is not None:
        return banner_alerts(rows)
    return revisions.BANNERS.held(key, now, load)
