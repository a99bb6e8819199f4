"""Geometry of the three circles and of their ratings over time. Pure: numbers in, shapes out.

In the three circles exercise people draw threat, drive and soothe sized by how much each
features in their life now (shared/clinical-facts.md C10). Here a rating from 0 to 10 sets a
circle's *area*, so a 6 looks twice the size of a 3 to the eye: the radius grows with the
square root of the rating. A 0 has no area; it is drawn as a dashed outline so the system
is still there to see, and its label says 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

MAX_RATING = 10
SYSTEMS: dict[str, str] = {"threat": "Threat", "drive": "Drive", "soothe": "Soothe"}
ZERO_OUTLINE = 0.1  # of the largest radius: how big a 0 is drawn, as an outline only
# Each system has its own line style and marker in the trend, so colour is never the only cue.
DASHES = {"threat": "2 4", "drive": "7 4", "soothe": ""}
MARKERS = {"threat": "triangle", "drive": "square", "soothe": "circle"}


def radius_for(rating: int, largest: float) -> float:
    """Return the radius whose circle's area is `rating`/10 of the largest circle's area."""
    if not 0 <= rating <= MAX_RATING:
        raise ValueError(f"ratings run from 0 to {MAX_RATING}, not {rating}")
    return round(largest * math.sqrt(rating / MAX_RATING), 2)


@dataclass(frozen=True)
class Circle:
    system: str
    name: str
    rating: int
    cx: float
    cy: float
    radius: float  # the true radius: 0 for a 0
    drawn_radius: float  # never 0, so a 0 still shows as an outline
    name_y: float
    rating_y: float

    @property
    def is_zero(self) -> bool:
        return self.rating == 0


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    circles: tuple[Circle, ...]
    small: bool

    @property
    def description(self) -> str:
        return ", ".join(f"{c.name} {c.rating} out of {MAX_RATING}" for c in self.circles)


def picture(threat: int, drive: int, soothe: int, *, largest: float = 64) -> Picture:
    """Three circles side by side, each centred in its own cell, names and ratings below."""
    small = largest < 30
    gap = 10 if small else 20
    cell = max(2 * largest + gap, 64 if small else 120)
    top = 4 if small else 8
    cy = top + largest
    name_y = cy + largest + (13 if small else 22)
    ratings = {"threat": threat, "drive": drive, "soothe": soothe}
    circles = []
    for index, (system, name) in enumerate(SYSTEMS.items()):
        radius = radius_for(ratings[system], largest)
        circles.append(
            Circle(
                system=system,
                name=name,
                rating=ratings[system],
                cx=round(cell * index + cell / 2, 2),
                cy=round(cy, 2),
                radius=radius,
                drawn_radius=radius or max(round(largest * ZERO_OUTLINE, 2), 3.0),
                name_y=round(name_y, 2),
                rating_y=round(name_y + (0 if small else 18), 2),
            )
        )
    height = name_y + (4 if small else 24)
    return Picture(
        width=math.ceil(3 * cell), height=math.ceil(height), circles=tuple(circles), small=small
    )


# The trend chart, in SVG user units.
TREND_WIDTH = 640
TREND_LEFT = 34
TREND_RIGHT = 64  # room for each line's name at its end
TREND_TOP = 16
TREND_HEIGHT = 150
TREND_BOTTOM_AXIS = 26


@dataclass(frozen=True)
class CheckInRatings:
    at: datetime
    day: date  # in the client's own time zone
    threat: int
    drive: int
    soothe: int


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    points: str  # polygon corners, "" for a circle
    value: int


@dataclass(frozen=True)
class Series:
    system: str
    name: str
    line: str  # "x,y x,y" for <polyline>
    dash: str
    markers: tuple[Marker, ...]
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Trend:
    width: int
    height: int
    series: tuple[Series, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    left: float
    right: float
    top: float
    bottom: float
    first: date
    last: date

    @property
    def axis_y(self) -> float:
        return self.bottom + 17

    @property
    def summary(self) -> str:
        """The chart in words: the span, the count, and each system's first and latest rating."""
        count = len(self.series[0].markers)
        if count == 1:
            only = ", ".join(f"{s.name.lower()} {s.markers[0].value}" for s in self.series)
            return f"One check-in, on {_day(self.first)}: {only}."
        moves = ", ".join(
            f"{s.name.lower()} from {s.markers[0].value} to {s.markers[-1].value}"
            for s in self.series
        )
        return (
            f"{count} check-ins from {_day(self.first)} to {_day(self.last)}. "
            f"Ratings went: {moves}."
        )


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _marker(kind: str, x: float, y: float, size: float = 4) -> str:
    if kind == "triangle":
        corners = [(0, -1.2), (1.1, 0.9), (-1.1, 0.9)]
    elif kind == "square":
        corners = [(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)]
    else:
        return ""
    return " ".join(f"{round(x + dx * size, 2)},{round(y + dy * size, 2)}" for dx, dy in corners)


def _day_ticks(first: date, last: date, place: Callable[[date], float]) -> tuple[Tick, ...]:
    """Month starts when the span is long, otherwise the first and last days."""
    months = []
    day = date(first.year, first.month, 1)
    while day <= last:
        if day > first:
            months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    if len(months) >= 2:
        step = math.ceil(len(months) / 6)
        return tuple(Tick(place(m), m.strftime("%b %Y")) for m in months[::step])
    if first == last:
        return (Tick(place(first), f"{first.day} {first:%b %Y}"),)
    return (
        Tick(place(first), f"{first.day} {first:%b}"),
        Tick(place(last), f"{last.day} {last:%b %Y}"),
    )


def trend(check_ins: Sequence[CheckInRatings]) -> Trend | None:
    """Each system's ratings over time, oldest on the left; None without any check-in."""
    if not check_ins:
        return None
    ordered = sorted(check_ins, key=lambda c: c.at)
    first, last = ordered[0].day, ordered[-1].day
    start, end = ordered[0].at, ordered[-1].at
    span = max((end - start).total_seconds(), 1.0)
    right = TREND_WIDTH - TREND_RIGHT
    bottom = TREND_TOP + TREND_HEIGHT

    def x_at(moment: datetime) -> float:
        if end == start:
            return round((TREND_LEFT + right) / 2, 2)
        return round(TREND_LEFT + (moment - start).total_seconds() / span * (right - TREND_LEFT), 2)

    def x_day(day: date) -> float:
        moment = datetime.combine(day, start.timetz()).replace(tzinfo=start.tzinfo)
        moment = min(max(moment, start), end)
        return x_at(moment)

    def y_of(value: float) -> float:
        return round(bottom - value / MAX_RATING * TREND_HEIGHT, 2)

    series = []
    for system, name in SYSTEMS.items():
        markers = tuple(
            Marker(
                x=x_at(c.at),
                y=y_of(getattr(c, system)),
                points=_marker(MARKERS[system], x_at(c.at), y_of(getattr(c, system))),
                value=getattr(c, system),
            )
            for c in ordered
        )
        end_marker = markers[-1]
        series.append(
            Series(
                system=system,
                name=name,
                line=" ".join(f"{m.x},{m.y}" for m in markers),
                dash=DASHES[system],
                markers=markers,
                label_x=round(end_marker.x + 8, 2),
                label_y=round(end_marker.y + 4, 2),
            )
        )
    _spread_labels(series)
    return Trend(
        width=TREND_WIDTH,
        height=bottom + TREND_BOTTOM_AXIS,
        series=tuple(series),
        y_ticks=tuple(Tick(y_of(v), str(v)) for v in (0, 5, 10)),
        x_ticks=_day_ticks(first, last, x_day),
        left=TREND_LEFT,
        right=right,
        top=TREND_TOP,
        bottom=bottom,
        first=first,
        last=last,
    )


def _spread_labels(series: list[Series], apart: float = 13) -> None:
    """Move the end-of-line names apart vertically so equal latest ratings stay readable."""
    ordered = sorted(range(len(series)), key=lambda i: series[i].label_y)
    previous: float | None = None
    for index in ordered:
        label_y = series[index].label_y
        if previous is not None and label_y - previous < apart:
            label_y = previous + apart
            s = series[index]
            series[index] = Series(
                s.system, s.name, s.line, s.dash, s.markers, s.label_x, round(label_y, 2)
            )
        previous = label_y
