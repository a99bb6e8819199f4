"""What happened between sessions: practice and questionnaire change in a time window.

Pure functions over plain rows, no ORM. The window runs from the previous attended session to
this one, or over the 7 days before this one when there was none. A session's moment is its
date and start time in the client's time zone, or the start of that day when no time was
recorded; windows are half-open, [start, end), so a moment belongs to exactly one window.

Score change is judged with `measures.reliable_change` (Jacobson & Truax 1991, or the
published threshold where there is one): the latest total in the window against the latest
before it, or against the first in the window when there was none before.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tending.measures.definitions import Definition
from tending.measures.reliable_change import (
    DETERIORATED,
    IMPROVED,
    RECOVERED,
    UNCHANGED,
    ChangeError,
    classify_change,
)

DEFAULT_DAYS = 7
MAX_LOGS = 40  # the summary counts every log; the list shows the most recent
FORMAT = 1
NO_RULE = "no rule"


@dataclass(frozen=True)
class LogRow:
    started_at: datetime
    title: str
    seconds: int
    feeling: str  # "settling", "neutral", "stirred_up" or ""
    feeling_label: str
    stopped: bool

    @property
    def minutes(self) -> int:
        return max(1, round(self.seconds / 60)) if self.seconds else 0


@dataclass(frozen=True)
class ScoreRow:
    measure_key: str
    completed_at: datetime
    total: float
    band: str


@dataclass(frozen=True)
class PracticeLine:
    title: str
    times: int
    minutes: int
    settling: int
    neutral: int
    stirred_up: int
    stopped: int


@dataclass(frozen=True)
class ScoreChange:
    key: str
    measure: str
    before: float | None
    before_at: datetime | None
    after: float
    after_at: datetime
    band: str
    change: float | None
    classification: str  # improved, recovered, unchanged, deteriorated, NO_RULE, or "" alone

    @property
    def is_single(self) -> bool:
        return self.before is None

    @property
    def before_text(self) -> str:
        return "" if self.before is None else f"{self.before:g}"

    @property
    def after_text(self) -> str:
        return f"{self.after:g}"

    @property
    def change_text(self) -> str:
        return "" if self.change is None else f"{self.change:+g}"

    @property
    def judgement(self) -> str:
        """The change in words, as a clinician reads it."""
        if self.before is None:
            return "One score in this time"
        if self.classification == NO_RULE:
            return "No reliable-change rule for this questionnaire"
        return {
            RECOVERED: "Reliable improvement, out of the clinical range",
            IMPROVED: "Reliable improvement",
            UNCHANGED: "No reliable change",
            DETERIORATED: "Reliable deterioration",
        }.get(self.classification, self.classification)


@dataclass(frozen=True)
class BetweenSessions:
    starts: datetime
    ends: datetime
    previous_date: date | None  # None: the 7 days before the session
    practices: tuple[PracticeLine, ...]
    logs: tuple[LogRow, ...]  # newest first, at most MAX_LOGS
    more_logs: int
    total_minutes: int
    total_times: int
    scores: tuple[ScoreChange, ...]

    @property
    def since_previous(self) -> bool:
        return self.previous_date is not None

    def as_json(self) -> dict[str, Any]:
        """Return a JSON-safe dict; `from_json` gives back an equal object."""
        return {
            "format": FORMAT,
            "starts": self.starts.isoformat(),
            "ends": self.ends.isoformat(),
            "previous_date": self.previous_date.isoformat() if self.previous_date else None,
            "practices": [asdict(line) for line in self.practices],
            "logs": [
                {**asdict(log), "started_at": log.started_at.isoformat()} for log in self.logs
            ],
            "more_logs": self.more_logs,
            "total_minutes": self.total_minutes,
            "total_times": self.total_times,
            "scores": [
                {
                    **asdict(score),
                    "before_at": score.before_at.isoformat() if score.before_at else None,
                    "after_at": score.after_at.isoformat(),
                }
                for score in self.scores
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BetweenSessions:
        previous = data.get("previous_date")
        return cls(
            starts=datetime.fromisoformat(data["starts"]),
            ends=datetime.fromisoformat(data["ends"]),
            previous_date=date.fromisoformat(previous) if previous else None,
            practices=tuple(PracticeLine(**line) for line in data["practices"]),
            logs=tuple(
                LogRow(**{**log, "started_at": datetime.fromisoformat(log["started_at"])})
                for log in data["logs"]
            ),
            more_logs=data["more_logs"],
            total_minutes=data["total_minutes"],
            total_times=data["total_times"],
            scores=tuple(
                ScoreChange(
                    **{
                        **score,
                        "before_at": datetime.fromisoformat(score["before_at"])
                        if score["before_at"]
                        else None,
                        "after_at": datetime.fromisoformat(score["after_at"]),
                    }
                )
                for score in data["scores"]
            ),
        )


def session_moment(day: date, start: time | None, zone: ZoneInfo) -> datetime:
    """Return when a session began: its start time that day, or midnight without one."""
    return datetime.combine(day, start or time(0), zone)


def window(
    day: date, start: time | None, previous: tuple[date, time | None] | None, zone: ZoneInfo
) -> tuple[datetime, datetime]:
    """Return [start, end) for a session on `day`: from the previous session, or 7 days."""
    end = session_moment(day, start, zone)
    if previous is None:
        # Seven calendar days in the client's zone, whatever the clocks did in between.
        first = datetime.combine(end.date() - timedelta(days=DEFAULT_DAYS), end.timetz())
        return first, end
    return session_moment(previous[0], previous[1], zone), end


def practice_lines(logs: list[LogRow]) -> tuple[PracticeLine, ...]:
    """Return one line per practice, the most practised first: times, minutes and feelings."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for log in logs:
        line = totals[log.title]
        line["times"] += 1
        line["seconds"] += log.seconds
        if log.feeling:
            line[log.feeling] += 1
        if log.stopped:
            line["stopped"] += 1
    lines = [
        PracticeLine(
            title=title,
            times=line["times"],
            minutes=round(line["seconds"] / 60),
            settling=line["settling"],
            neutral=line["neutral"],
            stirred_up=line["stirred_up"],
            stopped=line["stopped"],
        )
        for title, line in totals.items()
    ]
    return tuple(sorted(lines, key=lambda line: (-line.minutes, -line.times, line.title)))


def score_changes(
    in_window: list[ScoreRow],
    before_window: dict[str, ScoreRow],
    definitions: dict[str, Definition],
) -> tuple[ScoreChange, ...]:
    """Return the change in each questionnaire total answered in the window.

    `in_window` holds complete, scored responses in the window (any order); `before_window`
    the latest such response before the window, per questionnaire.
    """
    by_key: dict[str, list[ScoreRow]] = defaultdict(list)
    for row in sorted(in_window, key=lambda row: row.completed_at):
        by_key[row.measure_key].append(row)
    changes = []
    for key, rows in by_key.items():
        definition = definitions.get(key)
        if definition is None or definition.total is None:
            continue  # change is judged on totals only
        after = rows[-1]
        before = before_window.get(key) or (rows[0] if len(rows) > 1 else None)
        change, classification = None, ""
        if before is not None:
            change = after.total - before.total
            try:
                classification = classify_change(
                    definition, before.total, after.total
                ).classification
            except ChangeError:
                classification = NO_RULE
        changes.append(
            ScoreChange(
                key=key,
                measure=definition.short_title,
                before=before.total if before else None,
                before_at=before.completed_at if before else None,
                after=after.total,
                after_at=after.completed_at,
                band=after.band,
                change=change,
                classification=classification,
            )
        )
    return tuple(sorted(changes, key=lambda change: change.measure))


def summarise(
    *,
    starts: datetime,
    ends: datetime,
    previous_date: date | None,
    logs: list[LogRow],
    in_window: list[ScoreRow],
    before_window: dict[str, ScoreRow],
    definitions: dict[str, Definition],
) -> BetweenSessions:
    """Return the summary for [starts, ends). Rows outside the window are ignored."""
    logs = sorted(
        (log for log in logs if starts <= log.started_at < ends),
        key=lambda log: log.started_at,
        reverse=True,
    )
    scores = [row for row in in_window if starts <= row.completed_at < ends]
    lines = practice_lines(logs)
    return BetweenSessions(
        starts=starts,
        ends=ends,
        previous_date=previous_date,
        practices=lines,
        logs=tuple(logs[:MAX_LOGS]),
        more_logs=max(0, len(logs) - MAX_LOGS),
        total_minutes=round(sum(log.seconds for log in logs) / 60),
        total_times=len(logs),
        scores=score_changes(scores, before_window, definitions),
    )
