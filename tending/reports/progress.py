"""One client's progress over a period: scores with change, practice minutes, check-in trends.

Three queries whatever the length of the history: the client's scored responses, their
practice logs in the period, and the date of their first practice. Everything else is
computed here from those rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Min

from tending.accounts.models import ClientProfile
from tending.assignments import schedules
from tending.measures.definitions import Definition, Score, load_definitions
from tending.measures.models import Response
from tending.measures.reliable_change import (
    Change,
    ChangeError,
    classify_change,
    cutoff_for,
    threshold_for,
)
from tending.measures.scoring import band_for
from tending.practices.models import PracticeLog
from tending.practices.progress import monday_of
from tending.reports import charts

SYSTEMS = ("threat", "drive", "soothe")

PERIODS = {
    "3m": ("Last 3 months", 91),
    "6m": ("Last 6 months", 182),
    "12m": ("Last 12 months", 365),
    "all": ("Everything", None),
}
DEFAULT_PERIOD = "6m"


def score_range(definition: Definition, rule: Score) -> tuple[float, float]:
    """The lowest and highest possible value of a score."""
    scale = definition.scale
    count = len(rule.items) if rule.method == "sum" else 1
    return (scale.min * count * rule.multiplier, scale.max * count * rule.multiplier)


@dataclass
class ScoreRow:
    day: date
    completed_at: datetime
    total: float
    band: str
    since_baseline: Change | None
    status: str
    source: str


@dataclass
class MeasureProgress:
    """One score of one questionnaire over time: its total, or a subscale of one without."""

    definition: Definition
    rule: Score
    title: str  # "PHQ-9", or "FSCRS: Inadequate Self (IS)" for a subscale
    anchor: str  # for element ids: "phq9", "fscrs-inadequate-self"
    rows: list[ScoreRow]  # in the period, oldest first
    baseline: ScoreRow | None  # the first scored response ever, even before the period
    latest: ScoreRow | None
    incomplete: int
    threshold_text: str
    cutoff_text: str
    chart: charts.MeasureChart | None = None

    @property
    def change(self) -> Change | None:
        return self.latest.since_baseline if self.latest else None


@dataclass
class WeekRow:
    starts: date
    minutes: int
    sessions: int
    before: dict[str, float | None] = field(default_factory=dict)
    after: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Progress:
    client: ClientProfile
    first: date
    last: date
    period: str
    measures: list[MeasureProgress]
    weeks: list[WeekRow]
    trend: charts.TrendChart | None
    total_minutes: int
    total_sessions: int

    @property
    def practice_weeks(self) -> int:
        return sum(1 for week in self.weeks if week.sessions)


def period_bounds(
    period: str, today: date, earliest: date | None, start: date | None = None
) -> tuple[date, date]:
    """The first and last day (client's local dates) of a named period, or of `start`-`today`."""
    if start is not None:
        return start, today
    days = PERIODS.get(period, PERIODS[DEFAULT_PERIOD])[1]
    if days is None:
        return min(earliest or today, today), today
    return today - timedelta(days=days - 1), today


def _status(change: Change | None, is_baseline: bool, has_rule: bool) -> str:
    if is_baseline:
        return "baseline"
    if not has_rule or change is None:
        return "no rule"
    return change.classification


def measure_progress(
    definition: Definition,
    responses: list[Response],
    zone: ZoneInfo,
    first: date,
    last: date,
    rule: Score | None = None,
) -> MeasureProgress:
    """Rows for one score (responses oldest first), each judged against the first scored one.

    `rule` is the total by default, or a subscale for a questionnaire that has no total. Change
    is judged on totals only: the thresholds and norms we carry are for totals.
    """
    rule = rule or definition.total
    if rule is None:
        raise ValueError(f"{definition.key} has no total; pass a subscale")
    is_total = rule is definition.total
    rows: list[ScoreRow] = []
    baseline: ScoreRow | None = None
    incomplete = 0
    has_rule = False
    if not is_total:
        threshold_text = (
            "Reliable change is judged on questionnaire totals; this subscale has no "
            "threshold of its own, so its scores are shown without a change judgement."
        )
    else:
        try:
            threshold = threshold_for(definition)
            has_rule = True
            comparison = "at least" if threshold.inclusive else "more than"
            threshold_text = (
                f"A change of {comparison} {charts.number(threshold.points)} points is reliable "
                f"({'published' if threshold.inclusive else 'Jacobson and Truax'}: "
                f"{threshold.source})."
            )
        except ChangeError as error:
            threshold_text = str(error) + "."
    cutoff = cutoff_for(definition) if is_total else None
    cutoff_text = (
        f"Clinical cut-off {charts.number(cutoff.value)} ({cutoff.kind}; {cutoff.source})."
        if cutoff
        else ""
    )
    for response in responses:
        day = schedules.local_today(response.completed_at, zone.key)
        value = response.total if is_total else response.subscales.get(rule.key)
        if not response.complete or value is None:
            if first <= day <= last:
                incomplete += 1
            continue
        change = None
        if baseline is not None and has_rule:
            change = classify_change(definition, baseline.total, value)
        row = ScoreRow(
            day=day,
            completed_at=response.completed_at,
            total=value,
            band=response.band if is_total else (band_for(rule.bands, value) or ""),
            since_baseline=change,
            status=_status(change, baseline is None, has_rule),
            source=response.get_source_display(),
        )
        if baseline is None:
            baseline = row
        if first <= day <= last:
            rows.append(row)
    latest = rows[-1] if rows else None
    return MeasureProgress(
        definition=definition,
        rule=rule,
        title=definition.short_title if is_total else f"{definition.short_title}: {rule.title}",
        anchor=definition.key if is_total else f"{definition.key}-{rule.key}",
        rows=rows,
        baseline=baseline,
        latest=latest,
        incomplete=incomplete,
        threshold_text=threshold_text,
        cutoff_text=cutoff_text,
    )


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def gather(
    client: ClientProfile,
    now: datetime,
    period: str = DEFAULT_PERIOD,
    start: date | None = None,
) -> Progress:
    """Collect everything the progress page and the PDF show for `client`."""
    zone = ZoneInfo(client.time_zone)
    today = schedules.local_today(now, zone.key)
    responses = list(
        Response.objects.filter(client=client)
        .only("completed_at", "measure_key", "complete", "total", "band", "subscales", "source")
        .order_by("completed_at", "id")
    )
    first, last = period_bounds(period, today, _earliest_day(client, responses, zone), start)
    week_rows = _practice_weeks(client, zone, first, last)
    weekly_minutes = [(row.starts, row.minutes) for row in week_rows]
    return Progress(
        client=client,
        first=first,
        last=last,
        period=period if start is None else "custom",
        measures=_measures(responses, zone, first, last, weekly_minutes),
        weeks=week_rows,
        trend=_check_in_trend(week_rows, first, last),
        total_minutes=sum(row.minutes for row in week_rows),
        total_sessions=sum(row.sessions for row in week_rows),
    )


def _earliest_day(client: ClientProfile, responses: list[Response], zone: ZoneInfo) -> date:
    """The first of the client's days in Tending: joining, first answers or first practice."""
    first_practice = PracticeLog.objects.filter(client=client).aggregate(first=Min("started_at"))[
        "first"
    ]
    starts = [schedules.local_today(client.created_at, zone.key)]
    if responses:
        starts.append(schedules.local_today(responses[0].completed_at, zone.key))
    if first_practice:
        starts.append(schedules.local_today(first_practice, zone.key))
    return min(starts)


def _practice_weeks(
    client: ClientProfile, zone: ZoneInfo, first: date, last: date
) -> list[WeekRow]:
    """A row for each week from `first` to `last` (client's weeks, from Monday): minutes and
    sessions practised, and the average of each check-in rating before and after."""
    since = datetime.combine(first, datetime.min.time(), zone)
    logs = PracticeLog.objects.filter(client=client, started_at__gte=since).values_list(
        "started_at",
        "seconds_practised",
        *[f"{when}_{system}" for when in ("before", "after") for system in SYSTEMS],
    )
    weeks = _empty_weeks(first, last)
    ratings: dict[date, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    seconds: dict[date, int] = defaultdict(int)
    for started, practised, *checks in logs:
        day = schedules.local_today(started, zone.key)
        if day > last:
            continue
        week = monday_of(day)
        seconds[week] += practised
        weeks[week].sessions += 1
        for index, value in enumerate(checks):
            if value is not None:
                when = "before" if index < len(SYSTEMS) else "after"
                ratings[week][f"{SYSTEMS[index % len(SYSTEMS)]} {when}"].append(value)
    for week, row in weeks.items():
        row.minutes = round(seconds[week] / 60)
        for system in SYSTEMS:
            row.before[system] = _mean(ratings[week][f"{system} before"])
            row.after[system] = _mean(ratings[week][f"{system} after"])
    return list(weeks.values())


def _empty_weeks(first: date, last: date) -> dict[date, WeekRow]:
    weeks: dict[date, WeekRow] = {}
    monday = monday_of(first)
    while monday <= last:
        weeks[monday] = WeekRow(starts=monday, minutes=0, sessions=0)
        monday += timedelta(days=7)
    return weeks


def _measures(
    responses: list[Response],
    zone: ZoneInfo,
    first: date,
    last: date,
    weekly_minutes: list[tuple[date, int]],
) -> list[MeasureProgress]:
    """Each score answered, with its chart, in order of questionnaire: the total, or each
    subscale when there is no total. A score with nothing in the period is left out, and so
    are answers to a questionnaire without a definition."""
    by_measure: dict[str, list[Response]] = defaultdict(list)
    for response in responses:
        by_measure[response.measure_key].append(response)
    definitions = load_definitions()
    measures = []
    for key in sorted(
        by_measure, key=lambda k: definitions[k].short_title if k in definitions else k
    ):
        definition = definitions.get(key)
        if definition is None:
            continue
        rules = [definition.total] if definition.total else list(definition.subscales)
        for rule in rules:
            result = measure_progress(definition, by_measure[key], zone, first, last, rule)
            if not result.rows and not result.incomplete:
                continue
            result.chart = _measure_chart(result, first, last, weekly_minutes)
            measures.append(result)
    return measures


def _check_in_trend(week_rows: list[WeekRow], first: date, last: date) -> charts.TrendChart | None:
    """The weekly check-in averages as lines, or None when nothing was rated."""
    series: dict[str, list[tuple[date, float]]] = {}
    for system in SYSTEMS:
        for when in ("before", "after"):
            values = [
                (row.starts, getattr(row, when)[system])
                for row in week_rows
                if getattr(row, when)[system] is not None
            ]
            if values:
                series[f"{system.capitalize()} {when}"] = values
    if not series:
        return None
    return charts.trend_chart(
        title="Threat, drive and soothe check-ins, weekly average",
        description=(
            "Average ratings from 0 to 10 given before (dashed lines) and after (solid "
            "lines) practice, week by week. The table below gives the same figures."
        ),
        first=first,
        last=last,
        series=series,
    )


def _measure_chart(
    result: MeasureProgress, first: date, last: date, weekly_minutes: list[tuple[date, int]]
) -> charts.MeasureChart:
    definition, rule = result.definition, result.rule
    is_total = rule is definition.total
    low, high = score_range(definition, rule)
    cutoff = cutoff_for(definition) if is_total else None
    threshold: float | None = None
    if is_total:
        try:
            threshold = threshold_for(definition).points
        except ChangeError:
            threshold = None
    drawn = [charts.MeasurePoint(row.day, row.total, row.status) for row in result.rows]
    latest = result.latest
    summary = (
        f"{len(result.rows)} scores from {first:%d %b %Y} to {last:%d %b %Y}."
        + (
            f" Latest {latest.total:g} ({latest.band or 'no band'}) on {latest.day:%d %b %Y}."
            if latest
            else ""
        )
        + (
            f" Since the first score: {result.change.classification}."
            if result.change is not None
            else ""
        )
    )
    return charts.measure_chart(
        title=(
            f"{result.title} {'total ' if is_total else ''}over time, "
            "with practice minutes each week"
        ),
        description=summary,
        first=first,
        last=last,
        low=low,
        high=high,
        bands=[(band.low, band.high, band.label) for band in rule.bands],
        points=drawn,
        cutoff=cutoff.value if cutoff else None,
        cutoff_label=f"Clinical cut-off {charts.number(cutoff.value)}" if cutoff else "",
        threshold=threshold,
        baseline=result.baseline.total if result.baseline else None,
        weekly_minutes=weekly_minutes,
    )
