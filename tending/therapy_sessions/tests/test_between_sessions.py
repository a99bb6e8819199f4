from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tending.measures.definitions import load_definitions
from tending.practices.models import Practice
from tending.testing.practice_records import make_log
from tending.testing.report_records import scored_response
from tending.testing.session_records import make_session
from tending.therapy_sessions import between_sessions as bs
from tending.therapy_sessions.services import attached_week

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def at(day: int, hour: int = 0, minute: int = 0, zone: ZoneInfo = LONDON) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=zone)


def log_at(client, practice, when, seconds=300, feeling=""):
    log = make_log(client, practice, seconds=seconds, feeling=feeling)
    type(log).objects.filter(pk=log.pk).update(started_at=when)
    return log


def test_the_window_runs_from_the_previous_session_to_this_one():
    starts, ends = bs.window(date(2026, 11, 16), time(14), (date(2026, 11, 9), time(10)), LONDON)
    assert (starts, ends) == (at(9, 10), at(16, 14))


def test_without_a_previous_session_the_window_is_the_seven_days_before():
    starts, ends = bs.window(date(2026, 11, 16), None, None, LONDON)
    assert (starts, ends) == (at(9), at(16))


def test_seven_days_are_counted_in_the_clients_own_days_across_a_clock_change():
    # US clocks went back on 1 November 2026: the window is still 7 local days.
    starts, ends = bs.window(date(2026, 11, 4), time(9), None, NEW_YORK)
    assert starts == datetime(2026, 10, 28, 9, tzinfo=NEW_YORK)
    assert ends.astimezone(UTC) - starts.astimezone(UTC) == timedelta(days=7, hours=1)


def test_practice_is_summed_per_practice_with_feelings():
    logs = [
        bs.LogRow(at(10, 8), "Breathing", 300, "settling", "Settling", False),
        bs.LogRow(at(11, 8), "Breathing", 240, "stirred_up", "Stirred up", True),
        bs.LogRow(at(12, 8), "Safe place", 600, "", "", False),
        bs.LogRow(at(16, 14), "Outside the window", 600, "", "", False),
    ]
    summary = bs.summarise(
        starts=at(9),
        ends=at(16, 14),
        previous_date=date(2026, 11, 9),
        logs=logs,
        in_window=[],
        before_window={},
        definitions={},
    )
    assert summary.total_times == 3 and summary.total_minutes == 19
    assert summary.practices == (
        bs.PracticeLine("Safe place", 1, 10, 0, 0, 0, 0),
        bs.PracticeLine("Breathing", 2, 9, 1, 0, 1, 1),
    )
    assert [log.started_at for log in summary.logs] == [at(12, 8), at(11, 8), at(10, 8)]
    assert bs.BetweenSessions.from_json(summary.as_json()) == summary


def test_score_change_uses_the_published_threshold():
    definitions = load_definitions()
    before = {"phq9": bs.ScoreRow("phq9", at(2), 18, "Moderately severe")}
    in_window = [
        bs.ScoreRow("phq9", at(12), 15, "Moderately severe"),
        bs.ScoreRow("phq9", at(14), 11, "Moderate"),
        bs.ScoreRow("gad7", at(13), 9, "Mild"),
    ]
    changes = {c.key: c for c in bs.score_changes(in_window, before, definitions)}
    phq9 = changes["phq9"]
    assert (phq9.before, phq9.after, phq9.change) == (18, 11, -7)
    assert phq9.classification == "improved" and phq9.change_text == "-7"
    assert phq9.judgement == "Reliable improvement"
    gad7 = changes["gad7"]
    assert gad7.is_single and gad7.judgement == "One score in this time"
    # Without a score before the window, the first in it is the starting point.
    only = bs.score_changes(in_window[:2], {}, definitions)
    assert (only[0].before, only[0].after, only[0].classification) == (15, 11, "unchanged")


def test_the_attached_week_holds_the_right_logs_and_scores(world):
    client = world.client_a  # Europe/London: GMT in November, so local time is UTC here
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    make_session(client, on=date(2026, 11, 9), start=time(10))
    make_session(client, on=date(2026, 11, 12), attendance="cancelled_client")  # not "previous"
    session = make_session(client, on=date(2026, 11, 16), start=time(14))
    log_at(client, breathing, at(9, 9, 59))  # before the previous session started: out
    log_at(client, breathing, at(9, 10), seconds=600, feeling="settling")  # at its start: in
    log_at(client, breathing, at(16, 13, 59), feeling="stirred_up")  # just before: in
    log_at(client, breathing, at(16, 14))  # at this session's start: out
    scored_response(client, at(1, 12), 20)  # the latest before the window
    scored_response(client, at(5, 12), 19)
    scored_response(client, at(12, 12), 12)  # in the window
    scored_response(client, at(16, 14), 5)  # at the end: out
    log_at(world.client_b, breathing, at(12, 12))  # another client's practice

    week = attached_week(session)
    assert week.since_previous and week.previous_date == date(2026, 11, 9)
    assert (week.starts, week.ends) == (at(9, 10), at(16, 14))
    assert week.total_times == 2 and week.total_minutes == 15
    assert week.practices[0].settling == 1 and week.practices[0].stirred_up == 1
    (phq9,) = week.scores
    assert (phq9.before, phq9.after, phq9.classification) == (19, 12, "improved")


def test_the_first_session_looks_back_seven_days(world):
    client = world.client_a
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    session = make_session(client, on=date(2026, 11, 16))
    log_at(client, breathing, at(8, 23, 59))
    log_at(client, breathing, at(9, 0))
    log_at(client, breathing, at(15, 23, 59))
    log_at(client, breathing, at(16, 0))
    week = attached_week(session)
    assert not week.since_previous
    assert [log.started_at for log in week.logs] == [at(15, 23, 59), at(9, 0)]
