"""When homework is due: pure schedule maths in the client's own time zone. No ORM.

A schedule names local calendar days (once, daily, chosen weekdays, every N days, every N
weeks on chosen weekdays) between a start and an optional end date, and an optional local
time-of-day window. Each due day becomes an `Occurrence` with the UTC instants at which it
opens and closes.

Daylight-saving rule: a window edge that falls in the hour the clocks skip opens or closes at
the moment the clocks jump (the first real instant at or after that wall-clock time); an edge
in the repeated autumn hour uses its first occurrence. A window that lies wholly inside a
skipped hour does not happen that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ONCE, DAILY, WEEKDAYS, EVERY_N_DAYS, EVERY_N_WEEKS = (
    "once",
    "daily",
    "weekdays",
    "every_n_days",
    "every_n_weeks",
)
KINDS = (ONCE, DAILY, WEEKDAYS, EVERY_N_DAYS, EVERY_N_WEEKS)


class ScheduleError(ValueError):
    """The schedule cannot work as given; the message says why."""


@dataclass(frozen=True)
class Schedule:
    kind: str
    start: date
    end: date | None = None
    weekdays: frozenset[int] = frozenset()  # 0 = Monday … 6 = Sunday
    interval: int = 1
    window_start: time | None = None
    window_end: time | None = None
    time_zone: str = "UTC"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ScheduleError(f"unknown schedule kind {self.kind!r}")
        if self.end is not None and self.end < self.start:
            raise ScheduleError("the end date is before the start date")
        if self.kind in (WEEKDAYS, EVERY_N_WEEKS) and not self.weekdays:
            raise ScheduleError("choose at least one day of the week")
        if not self.weekdays <= set(range(7)):
            raise ScheduleError("weekdays are numbered 0 (Monday) to 6 (Sunday)")
        if not 1 <= self.interval <= 365:
            raise ScheduleError("repeat every 1 to 365 days or weeks")
        if (self.window_start is None) != (self.window_end is None):
            raise ScheduleError("a time window needs both a start and an end")
        if (
            self.window_start is not None
            and self.window_end is not None
            and self.window_end <= self.window_start
        ):
            raise ScheduleError("the window must end after it starts, on the same day")
        try:
            ZoneInfo(self.time_zone)
        except (KeyError, ValueError):
            raise ScheduleError(f"unknown time zone {self.time_zone!r}") from None


@dataclass(frozen=True)
class Occurrence:
    day: date  # the client's local date
    opens_at: datetime  # UTC
    closes_at: datetime  # UTC

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


def is_due_on(schedule: Schedule, day: date) -> bool:
    """Return True if `schedule` asks for something on local `day`."""
    if day < schedule.start or (schedule.end is not None and day > schedule.end):
        return False
    if schedule.kind == ONCE:
        return day == schedule.start
    if schedule.kind == DAILY:
        return True
    if schedule.kind == WEEKDAYS:
        return day.weekday() in schedule.weekdays
    if schedule.kind == EVERY_N_DAYS:
        return (day - schedule.start).days % schedule.interval == 0
    first_monday = schedule.start - timedelta(days=schedule.start.weekday())
    weeks = (day - first_monday).days // 7
    return weeks % schedule.interval == 0 and day.weekday() in schedule.weekdays


def first_instant_at_or_after(day: date, wall_clock: time, zone: ZoneInfo) -> datetime:
    """Return the first UTC instant at which the local clock in `zone` reads `wall_clock` or
    later on `day` (see the daylight-saving rule above)."""
    naive = datetime.combine(day, wall_clock)
    candidates = [naive.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)]
    real = [c for c in candidates if c.astimezone(zone).replace(tzinfo=None) == naive]
    if real:
        return min(real)
    # The wall-clock time was skipped: find the jump between the two readings.
    low, high = min(candidates), max(candidates)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0) if high.microsecond else high


def occurrence_on(schedule: Schedule, day: date) -> Occurrence | None:
    """Return the occurrence on local `day`, or None if nothing is due."""
    if not is_due_on(schedule, day):
        return None
    zone = ZoneInfo(schedule.time_zone)
    opens = first_instant_at_or_after(day, schedule.window_start or time(0), zone)
    if schedule.window_end is not None:
        closes = first_instant_at_or_after(day, schedule.window_end, zone)
    else:
        closes = first_instant_at_or_after(day + timedelta(days=1), time(0), zone)
    if closes <= opens:
        return None  # the whole window is in an hour the clocks skipped
    return Occurrence(day=day, opens_at=opens, closes_at=closes)


def occurrences(schedule: Schedule, first: date, last: date) -> list[Occurrence]:
    """Return every occurrence on local days from `first` to `last`, inclusive."""
    found = []
    day = max(first, schedule.start)
    final = min(last, schedule.end) if schedule.end is not None else last
    while day <= final:
        occurrence = occurrence_on(schedule, day)
        if occurrence is not None:
            found.append(occurrence)
        day += timedelta(days=1)
    return found


def local_today(now: datetime, time_zone: str) -> date:
    return now.astimezone(ZoneInfo(time_zone)).date()


def describe(schedule: Schedule) -> str:
    """Return the schedule in plain words, e.g. "Mon, Wed and Fri, 08:00 to 10:00"."""
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    days = [names[n] for n in sorted(schedule.weekdays)]
    listed = ", ".join(days[:-1]) + f" and {days[-1]}" if len(days) > 1 else "".join(days)
    when = {
        ONCE: f"Once, on {schedule.start:%-d %B}",
        DAILY: "Every day",
        WEEKDAYS: listed,
        EVERY_N_DAYS: "Every day" if schedule.interval == 1 else f"Every {schedule.interval} days",
        EVERY_N_WEEKS: (
            f"{listed}, every week"
            if schedule.interval == 1
            else f"{listed}, every {schedule.interval} weeks"
        ),
    }[schedule.kind]
    if schedule.window_start is not None and schedule.window_end is not None:
        when += f", {schedule.window_start:%H:%M} to {schedule.window_end:%H:%M}"
    return when
