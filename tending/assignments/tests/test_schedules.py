from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tending.assignments.schedules import (
    KINDS,
    Schedule,
    ScheduleError,
    describe,
    is_due_on,
    occurrence_on,
    occurrences,
)

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]


def local(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def test_mon_wed_fri_eight_to_ten_in_london():
    schedule = Schedule(
        kind="weekdays",
        start=date(2026, 11, 16),
        weekdays=frozenset({0, 2, 4}),
        window_start=time(8),
        window_end=time(10),
        time_zone="Europe/London",
    )
    found = occurrences(schedule, date(2026, 11, 16), date(2026, 11, 22))
    assert [o.day for o in found] == [date(2026, 11, 16), date(2026, 11, 18), date(2026, 11, 20)]
    assert found[0].opens_at == datetime(2026, 11, 16, 8, tzinfo=UTC)  # GMT in November
    assert found[0].closes_at == datetime(2026, 11, 16, 10, tzinfo=UTC)
    assert describe(schedule) == "Mon, Wed and Fri, 08:00 to 10:00"


def test_the_same_local_window_moves_in_utc_when_the_clocks_change():
    schedule = Schedule(
        kind="daily",
        start=date(2026, 3, 27),
        window_start=time(8),
        window_end=time(10),
        time_zone="Europe/London",
    )
    before, after = (
        occurrence_on(schedule, date(2026, 3, 28)),
        occurrence_on(schedule, date(2026, 3, 30)),
    )
    assert before.opens_at.hour == 8 and after.opens_at.hour == 7  # BST is UTC+1


def test_a_window_starting_in_the_skipped_hour_opens_when_the_clocks_jump():
    # London, 29 March 2026: 01:00 GMT becomes 02:00 BST.
    schedule = Schedule(
        kind="once",
        start=date(2026, 3, 29),
        window_start=time(1, 30),
        window_end=time(2, 30),
        time_zone="Europe/London",
    )
    occurrence = occurrence_on(schedule, date(2026, 3, 29))
    assert occurrence.opens_at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:00 BST
    assert occurrence.closes_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 02:30 BST


def test_a_window_wholly_inside_the_skipped_hour_does_not_happen():
    schedule = Schedule(
        kind="once",
        start=date(2026, 3, 8),
        window_start=time(2, 10),
        window_end=time(2, 50),
        time_zone="America/New_York",
    )
    assert occurrence_on(schedule, date(2026, 3, 8)) is None


def test_a_window_in_the_repeated_autumn_hour_starts_at_its_first_occurrence():
    # New York, 1 November 2026: 02:00 EDT becomes 01:00 EST.
    schedule = Schedule(
        kind="once",
        start=date(2026, 11, 1),
        window_start=time(1, 30),
        window_end=time(2, 0),
        time_zone="America/New_York",
    )
    occurrence = occurrence_on(schedule, date(2026, 11, 1))
    assert occurrence.opens_at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    assert occurrence.closes_at == datetime(2026, 11, 1, 7, 0, tzinfo=UTC)  # 02:00 EST
    assert occurrence.closes_at - occurrence.opens_at == timedelta(minutes=90)


def test_a_day_without_a_window_runs_from_local_midnight_to_midnight_even_when_23_hours_long():
    schedule = Schedule(kind="daily", start=date(2026, 3, 1), time_zone="Europe/London")
    short = occurrence_on(schedule, date(2026, 3, 29))
    assert short.closes_at - short.opens_at == timedelta(hours=23)


def test_fortnightly_counts_weeks_from_the_start_week():
    schedule = Schedule(
        kind="every_n_weeks",
        start=date(2026, 11, 18),
        interval=2,
        weekdays=frozenset({2}),
        time_zone="UTC",
    )
    days = [o.day for o in occurrences(schedule, date(2026, 11, 1), date(2026, 12, 31))]
    assert days == [date(2026, 11, 18), date(2026, 12, 2), date(2026, 12, 16), date(2026, 12, 30)]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "weekdays"}, "at least one day"),
        ({"kind": "daily", "end": date(2026, 1, 1)}, "before the start"),
        ({"kind": "daily", "window_start": time(10), "window_end": time(9)}, "end after it starts"),
        ({"kind": "daily", "time_zone": "Mars/Olympus"}, "unknown time zone"),
        ({"kind": "every_n_days", "interval": 0}, "1 to 365"),
    ],
)
def test_impossible_schedules_are_refused(fields, message):
    with pytest.raises(ScheduleError, match=message):
        Schedule(start=date(2026, 2, 1), **fields)


windows = st.one_of(
    st.none(),
    st.tuples(st.integers(0, 23 * 60 - 1), st.integers(1, 240)).map(
        lambda p: (
            time(p[0] // 60, p[0] % 60),
            time(min(23 * 60 + 59, p[0] + p[1]) // 60, min(23 * 60 + 59, p[0] + p[1]) % 60),
        )
    ),
)


@st.composite
def schedules(draw) -> Schedule:
    kind = draw(st.sampled_from(KINDS))
    start = draw(st.dates(date(2025, 1, 1), date(2027, 12, 1)))
    end = draw(st.one_of(st.none(), st.integers(0, 120).map(lambda n: start + timedelta(days=n))))
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    window = draw(windows)
    return Schedule(
        kind=kind,
        start=start,
        end=end,
        weekdays=weekdays,
        interval=draw(st.integers(1, 5)),
        window_start=window[0] if window else None,
        window_end=window[1] if window else None,
        time_zone=draw(st.sampled_from(ZONES)),
    )


@settings(max_examples=150, deadline=None)
@given(schedule=schedules(), offset=st.integers(-10, 60), span=st.integers(0, 90))
def test_every_occurrence_is_on_an_allowed_day_inside_its_window_and_dates(schedule, offset, span):
    first = schedule.start + timedelta(days=offset)
    found = occurrences(schedule, first, first + timedelta(days=span))
    for occurrence in found:
        day = occurrence.day
        assert is_due_on(schedule, day)
        assert schedule.start <= day and (schedule.end is None or day <= schedule.end)
        if schedule.kind in ("weekdays", "every_n_weeks"):
            assert day.weekday() in schedule.weekdays
        opens, last_moment = (
            local(occurrence.opens_at, schedule.time_zone),
            local(occurrence.closes_at - timedelta(seconds=1), schedule.time_zone),
        )
        assert opens.date() == day and last_moment.date() == day
        assert occurrence.opens_at < occurrence.closes_at
        if schedule.window_start is not None:
            assert opens.time() >= schedule.window_start
            assert last_moment.time() < schedule.window_end
    days = [o.day for o in found]
    assert days == sorted(set(days))  # at most one per day, in order


@settings(max_examples=60, deadline=None)
@given(zone=st.sampled_from(ZONES), start=st.dates(date(2025, 1, 1), date(2027, 1, 1)))
def test_daily_without_a_window_covers_every_instant_exactly_once(zone, start):
    schedule = Schedule(kind="daily", start=start, time_zone=zone)
    found = occurrences(schedule, start, start + timedelta(days=400))
    assert len(found) == 401
    for before, after in pairwise(found):
        assert before.closes_at == after.opens_at
