"""Chart geometry for progress pages and PDFs. Pure: numbers in, coordinates out.

The templates in `reports/snippets/` draw these as SVG, the same markup on the web and in
the PDF. Every chart also has a data table built from the same rows, so nothing is only
visible as a picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

# Drawing area, in SVG user units; the SVG scales to its container.
WIDTH = 640
SCORE_TOP = 28
SCORE_HEIGHT = 180
STRIP_GAP = 34
STRIP_HEIGHT = 56
LEFT = 44
RIGHT = 56
BOTTOM_AXIS = 22
STRIP_TOP = SCORE_TOP + SCORE_HEIGHT + STRIP_GAP  # the practice-minutes strip under the scores
STRIP_BOTTOM = STRIP_TOP + STRIP_HEIGHT

MARKERS = {
    "baseline": "square",
    "unchanged": "circle",
    "improved": "diamond",
    "recovered": "star",
    "deteriorated": "triangle",
    "no rule": "circle",
}


def marker_polygon(marker: str, x: float, y: float, size: float = 5) -> str:
    """Corners of a square, diamond, triangle or star centred on (x, y); "" for a circle."""
    corners: list[tuple[float, float]]
    if marker == "square":
        corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
        scale = size * 0.8
    elif marker == "diamond":
        corners, scale = [(0, -1.2), (1.2, 0), (0, 1.2), (-1.2, 0)], size
    elif marker == "triangle":
        corners, scale = [(0, -1.2), (1.1, 0.9), (-1.1, 0.9)], size
    elif marker == "star":
        corners = [
            (
                math.sin(i * math.pi / 5) * (1.3 if i % 2 == 0 else 0.55),
                -math.cos(i * math.pi / 5) * (1.3 if i % 2 == 0 else 0.55),
            )
            for i in range(10)
        ]
        scale = size
    else:
        return ""
    return " ".join(f"{round(x + dx * scale, 2)},{round(y + dy * scale, 2)}" for dx, dy in corners)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


# Band fills from calm to warm; the web page's dark theme overrides them by class.
BAND_FILLS = ("#e4f1ea", "#eef2dc", "#fbefd6", "#f8e0cf", "#f4d3d0")


@dataclass(frozen=True)
class BandRect:
    y: float
    height: float
    label: str
    label_y: float
    tone: int  # 0 (first band) to 4, for colour

    @property
    def fill(self) -> str:
        return BAND_FILLS[self.tone]


@dataclass(frozen=True)
class LegendItem:
    marker: str
    status: str

    @property
    def polygon(self) -> str:
        return marker_polygon(self.marker, 7, 7, 4)


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    day: date
    value: float
    status: str  # baseline / unchanged / improved / recovered / deteriorated / no rule
    marker: str
    label: str = ""  # written beside the point when the status changes

    @property
    def polygon(self) -> str:
        """The marker's outline for <polygon>, or "" for a circle."""
        return marker_polygon(self.marker, self.x, self.y)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    week: date
    minutes: int


@dataclass(frozen=True)
class Line:
    name: str
    points: str  # "x,y x,y …" for <polyline>
    dashed: bool
    tone: str


@dataclass
class Scale:
    """A linear map from values to SVG coordinates."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        if self.high == self.low:
            return (self.start + self.end) / 2
        return round(
            self.start + (value - self.low) * (self.end - self.start) / (self.high - self.low), 2
        )


def date_scale(first: date, last: date) -> Scale:
    """Days since `first` across the plot width (an empty period still has one day)."""
    span = max((last - first).days, 1)
    return Scale(0, span, LEFT, WIDTH - RIGHT)


def _x(scale: Scale, first: date, day: date) -> float:
    return scale((day - first).days)


def month_ticks(first: date, last: date, scale: Scale, most: int = 7) -> list[Tick]:
    """Ticks at month starts, thinned so at most `most` are labelled."""
    months = []
    day = date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    if not months:
        return [Tick(_x(scale, first, first), f"{first.day} {first:%b %Y}")]
    step = math.ceil(len(months) / most)
    return [Tick(_x(scale, first, day), day.strftime("%b %Y")) for day in months[::step]]


def number(value: float) -> str:
    """A score or threshold as people read it: at most two decimals, never an exponent."""
    return f"{round(value, 2):f}".rstrip("0").rstrip(".")


def nice_ceiling(value: float) -> int:
    """The smallest of 10, 20, 30, 60, 90, 120, … that is at least `value`."""
    for candidate in (10, 20, 30, 60, 90, 120, 180, 240, 300, 420, 600):
        if value <= candidate:
            return candidate
    return int(math.ceil(value / 300) * 300)


@dataclass
class MeasurePoint:
    """One scored response, with its change status against the first one (the baseline)."""

    day: date
    value: float
    status: str


@dataclass
class MeasureChart:
    title: str
    description: str
    height: int
    first: date
    last: date
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    bands: list[BandRect]
    points: list[ChartPoint]
    line: str
    cutoff_y: float | None
    cutoff_label: str
    zone: tuple[float, float] | None  # y of baseline + and - the reliable change threshold
    zone_label: str
    bars: list[Bar]
    bar_ticks: list[Tick]
    strip_top: float
    strip_bottom: float
    plot_left: float = LEFT
    plot_right: float = WIDTH - RIGHT
    score_top: float = SCORE_TOP
    score_bottom: float = SCORE_TOP + SCORE_HEIGHT
    width: int = WIDTH
    legend: list[LegendItem] = field(default_factory=list)

    @property
    def zone_height(self) -> float:
        return round(self.zone[1] - self.zone[0], 2) if self.zone else 0

    @property
    def plot_width(self) -> float:
        return self.plot_right - self.plot_left

    @property
    def score_height(self) -> float:
        return self.score_bottom - self.score_top

    @property
    def strip_height(self) -> float:
        return self.strip_bottom - self.strip_top

    @property
    def axis_y(self) -> float:
        return self.strip_bottom + 15


def _band_edges(
    bands: list[tuple[float, float, str]], low: float, high: float
) -> list[tuple[float, float, str]]:
    """Where each band starts and ends, halfway between one band's top and the next's bottom."""
    ordered = sorted(bands)
    edges = []
    for index, (band_low, band_high, label) in enumerate(ordered):
        bottom = low if index == 0 else (ordered[index - 1][1] + band_low) / 2
        top = high if index == len(ordered) - 1 else (band_high + ordered[index + 1][0]) / 2
        edges.append((max(bottom, low), min(top, high), label))
    return edges


def measure_chart(
    *,
    title: str,
    description: str,
    first: date,
    last: date,
    low: float,
    high: float,
    bands: list[tuple[float, float, str]],
    points: list[MeasurePoint],
    cutoff: float | None,
    cutoff_label: str,
    threshold: float | None,
    baseline: float | None,
    weekly_minutes: list[tuple[date, int]],
) -> MeasureChart:
    """Scores over time (higher score drawn higher) above a strip of practice minutes a week."""
    xs = date_scale(first, last)
    ys = Scale(low, high, SCORE_TOP + SCORE_HEIGHT, SCORE_TOP)
    chart_points = _chart_points(points, xs, ys, first)
    zone, zone_label = _no_change_zone(threshold, baseline, low, high, ys)
    bars, bar_ticks = _minute_strip(weekly_minutes, first, last, xs)
    return MeasureChart(
        title=title,
        description=description,
        height=int(STRIP_BOTTOM + BOTTOM_AXIS),
        first=first,
        last=last,
        y_ticks=_score_ticks(low, high, ys),
        x_ticks=month_ticks(first, last, xs),
        bands=_band_rects(bands, low, high, ys),
        points=chart_points,
        line=" ".join(f"{p.x},{p.y}" for p in chart_points),
        cutoff_y=ys(cutoff) if cutoff is not None and low <= cutoff <= high else None,
        cutoff_label=cutoff_label,
        zone=zone,
        zone_label=zone_label,
        bars=bars,
        bar_ticks=bar_ticks,
        strip_top=STRIP_TOP,
        strip_bottom=STRIP_BOTTOM,
        legend=_legend(chart_points),
    )


def _band_rects(
    bands: list[tuple[float, float, str]], low: float, high: float, ys: Scale
) -> list[BandRect]:
    return [
        BandRect(
            y=ys(top),
            height=round(ys(bottom) - ys(top), 2),
            label=label,
            label_y=round((ys(top) + ys(bottom)) / 2 + 4, 2),
            tone=min(tone, len(BAND_FILLS) - 1),
        )
        for tone, (bottom, top, label) in enumerate(_band_edges(bands, low, high))
    ]


def _chart_points(
    points: list[MeasurePoint], xs: Scale, ys: Scale, first: date
) -> list[ChartPoint]:
    """Place each score; a point whose status differs from the one before is labelled with it
    (never "unchanged" or "no rule", which say nothing new)."""
    chart_points: list[ChartPoint] = []
    previous_status = None
    for point in points:
        label = ""
        if point.status != previous_status and point.status not in {"unchanged", "no rule"}:
            label = point.status.capitalize()
        previous_status = point.status
        chart_points.append(
            ChartPoint(
                x=_x(xs, first, point.day),
                y=ys(point.value),
                day=point.day,
                value=point.value,
                status=point.status,
                marker=MARKERS.get(point.status, "circle"),
                label=label,
            )
        )
    return chart_points


def _no_change_zone(
    threshold: float | None, baseline: float | None, low: float, high: float, ys: Scale
) -> tuple[tuple[float, float] | None, str]:
    """The band within `threshold` of the first score, and its label; (None, "") without one."""
    if threshold is None or baseline is None:
        return None, ""
    zone = (ys(min(high, baseline + threshold)), ys(max(low, baseline - threshold)))
    label = (
        f"Within {number(threshold)} points of the first score ({number(baseline)}): "
        "no reliable change"
    )
    return zone, label


def _minute_strip(
    weekly_minutes: list[tuple[date, int]], first: date, last: date, xs: Scale
) -> tuple[list[Bar], list[Tick]]:
    """A bar for each week with practice, and the strip's two ticks (its top and 0)."""
    ceiling = nice_ceiling(max((minutes for _, minutes in weekly_minutes), default=0))
    ms = Scale(0, ceiling, STRIP_BOTTOM, STRIP_TOP)
    bars = []
    for week, minutes in weekly_minutes:
        # A week that starts before the period (a period may begin mid-week) is drawn from
        # the period's first day; one that runs past its end stops at the last day.
        starts, ends = max(week, first), min(week + timedelta(days=7), last + timedelta(days=1))
        if minutes <= 0 or starts >= ends:
            continue
        left = _x(xs, first, starts) + 0.5
        bars.append(
            Bar(
                x=round(left, 2),
                y=ms(minutes),
                width=round(max(1.0, min(_x(xs, first, ends), WIDTH - RIGHT) - left - 0.5), 2),
                height=round(STRIP_BOTTOM - ms(minutes), 2),
                week=week,
                minutes=minutes,
            )
        )
    return bars, [Tick(ms(ceiling), f"{ceiling} min"), Tick(ms(0), "0")]


def _score_ticks(low: float, high: float, ys: Scale) -> list[Tick]:
    step = _score_step(high - low)
    ticks = []
    value = math.ceil(low / step) * step
    while value <= high + 1e-9:
        ticks.append(Tick(ys(value), f"{value:g}"))
        value += step
    return ticks


def _legend(chart_points: list[ChartPoint]) -> list[LegendItem]:
    """One entry per status drawn, in the order they first appear."""
    statuses = list(dict.fromkeys(point.status for point in chart_points))
    return [LegendItem(MARKERS.get(status, "circle"), status) for status in statuses]


def _score_step(span: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20, 25, 50):
        if span / step <= 6:
            return step
    return 100


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    tone: str


@dataclass
class TrendChart:
    """Weekly average check-in ratings (0 to 10) before and after practice."""

    title: str
    description: str
    height: int
    lines: list[Line]
    labels: list[Label]  # each system named at the end of its line, not by colour alone
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    plot_left: float = LEFT
    plot_right: float = WIDTH - RIGHT
    top: float = SCORE_TOP
    bottom: float = SCORE_TOP + 120
    width: int = WIDTH

    @property
    def plot_width(self) -> float:
        return self.plot_right - self.plot_left

    @property
    def axis_y(self) -> float:
        return self.bottom + 15


def trend_chart(
    *,
    title: str,
    description: str,
    first: date,
    last: date,
    series: dict[str, list[tuple[date, float]]],
) -> TrendChart:
    """One line per named series; a series name ending in "before" is drawn dashed.

    A week without ratings breaks the line rather than joining across the gap.
    """
    xs = date_scale(first, last)
    ys = Scale(0, 10, SCORE_TOP + 120, SCORE_TOP)
    lines = []
    labels: list[Label] = []
    for name, values in series.items():
        segments: list[list[str]] = []
        previous: date | None = None
        for week, value in sorted(values):
            if previous is None or week - previous > timedelta(days=7):
                segments.append([])
            middle = min(max(week + timedelta(days=3), first), last)  # inside the axis
            segments[-1].append(f"{_x(xs, first, middle)},{ys(value)}")
            previous = week
        tone = name.split()[0].lower()
        for segment in segments:
            if len(segment) == 1:  # a lone week: a short tick so it still shows
                x, y = segment[0].split(",")
                segment = [f"{float(x) - 2},{y}", f"{float(x) + 2},{y}"]
            lines.append(
                Line(name=name, points=" ".join(segment), dashed=name.endswith("before"), tone=tone)
            )
        if segments and (name.endswith("after") or f"{name.split()[0]} after" not in series):
            x, y = segments[-1][-1].split(",")
            labels.append(Label(float(x) + 5, float(y) + 4, name.split()[0], tone))
    return TrendChart(
        title=title,
        description=description,
        height=SCORE_TOP + 120 + BOTTOM_AXIS + 8,
        lines=lines,
        labels=labels,
        y_ticks=[Tick(ys(v), str(v)) for v in (0, 5, 10)],
        x_ticks=month_ticks(first, last, xs),
    )
