"""Practice over time: weekly minutes and the "stirred up again" signal. Pure functions.

The rule for flagging repeated stirred-up responses is Tending's own design choice, not a
published threshold (shared/clinical-facts.md, C-general: "a route to the clinician when
stirred-up responses repeat" is tagged [U]); it is a prompt to talk, never a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

STIRRED_UP_WINDOW = timedelta(days=14)
STIRRED_UP_REPEATS = 2


@dataclass(frozen=True)
class Session:
    day: date
    started_at: datetime
    seconds: int
    feeling: str


@dataclass(frozen=True)
class Week:
    starts: date
    minutes: int
    sessions: int


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_minutes(sessions: list[Session], today: date, weeks: int = 8) -> list[Week]:
    """Return the last `weeks` weeks (Monday to Sunday), oldest first, with minutes practised.

    Weeks without practice are included with zero: a gap is information, not a failure.
    """
    first = monday_of(today) - timedelta(weeks=weeks - 1)
    totals: dict[date, list[int]] = {first + timedelta(weeks=n): [0, 0] for n in range(weeks)}
    for session in sessions:
        week = monday_of(session.day)
        if week in totals:
            totals[week][0] += session.seconds
            totals[week][1] += 1
    return [
        Week(starts=week, minutes=round(seconds / 60), sessions=count)
        for week, (seconds, count) in sorted(totals.items())
    ]


def stirred_up_recently(sessions: list[Session], now: datetime) -> int:
    """Return how many sessions in the last 14 days felt stirred up."""
    return sum(
        1
        for s in sessions
        if s.feeling == "stirred_up" and now - STIRRED_UP_WINDOW <= s.started_at <= now
    )


def needs_attention(sessions: list[Session], now: datetime) -> bool:
    """Return True when stirred-up responses repeat (2 or more in 14 days)."""
    return stirred_up_recently(sessions, now) >= STIRRED_UP_REPEATS
