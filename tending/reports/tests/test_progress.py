"""A client's progress page: scores judged against the first, practice beside them, audited."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tending.audit.models import AuditEvent
from tending.practices.models import Practice
from tending.reports.progress import gather
from tending.safety.models import RiskAnswer
from tending.testing.measure_records import answer_phq9
from tending.testing.personas import sign_in
from tending.testing.practice_records import make_log
from tending.testing.report_records import scored_response

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=LONDON)  # a Wednesday


@pytest.fixture
def breathing(db):
    return Practice.objects.get(key="soothing-rhythm-breathing")


def _weeks_ago(weeks: int) -> datetime:
    return NOW - timedelta(weeks=weeks)


def test_every_score_is_judged_against_the_first(world, time_machine):
    time_machine.move_to(NOW)
    # PHQ-9: reliable change is a change of at least 6; the cut-off is 10.
    for weeks, total in [(10, 18), (8, 15), (6, 11), (2, 6)]:
        scored_response(world.client_a, _weeks_ago(weeks), total)

    (phq9,) = gather(world.client_a, timezone.now(), "6m").measures
    assert [(row.total, row.status) for row in phq9.rows] == [
        (18, "baseline"),
        (15, "unchanged"),  # 3 points: within measurement error
        (11, "improved"),  # 7 points, but still at or above the cut-off
        (6, "recovered"),  # 12 points and below the cut-off
    ]
    assert phq9.change is not None and phq9.change.classification == "recovered"
    assert "at least 6" in phq9.threshold_text


def test_a_rise_past_the_threshold_is_deterioration(world, time_machine):
    time_machine.move_to(NOW)
    scored_response(world.client_b, _weeks_ago(4), 5)
    scored_response(world.client_b, _weeks_ago(1), 12)
    (phq9,) = gather(world.client_b, timezone.now(), "3m").measures
    assert phq9.latest is not None and phq9.latest.status == "deteriorated"


def test_the_baseline_stays_the_first_score_even_before_the_period(world, time_machine):
    time_machine.move_to(NOW)
    scored_response(world.client_a, _weeks_ago(30), 20)
    scored_response(world.client_a, _weeks_ago(3), 13)
    (phq9,) = gather(world.client_a, timezone.now(), "3m").measures
    assert [row.total for row in phq9.rows] == [13]
    assert phq9.baseline is not None and phq9.baseline.total == 20
    assert phq9.rows[0].status == "improved"
    assert phq9.chart is not None and phq9.chart.zone is not None  # drawn around 20


def test_incomplete_responses_are_counted_but_never_drawn(world, time_machine):
    time_machine.move_to(NOW)
    scored_response(world.client_a, _weeks_ago(3), 9)
    blank = dict.fromkeys(range(1, 10), 1) | {4: None}
    scored_response(world.client_a, _weeks_ago(2), answers=blank)
    (phq9,) = gather(world.client_a, timezone.now(), "3m").measures
    assert [row.total for row in phq9.rows] == [9]
    assert phq9.incomplete == 1
    assert phq9.chart is not None and len(phq9.chart.points) == 1


def test_practice_minutes_and_check_ins_are_added_up_by_the_clients_week(
    world, breathing, time_machine
):
    time_machine.move_to(NOW)
    this_monday = datetime.combine(NOW.date() - timedelta(days=2), time(9), LONDON)
    for days, seconds, before, after in [(0, 600, 6, 3), (1, 300, 8, 5)]:
        log = make_log(world.client_a, breathing, seconds=seconds)
        log.started_at = this_monday + timedelta(days=days)
        log.before_threat, log.after_threat = before, after
        log.save()
    progress = gather(world.client_a, timezone.now(), "3m")
    week = progress.weeks[-1]
    assert week.starts == this_monday.date()
    assert (week.minutes, week.sessions) == (15, 2)
    assert (week.before["threat"], week.after["threat"]) == (7.0, 4.0)
    assert week.after["soothe"] is None  # not rated: no average, never zero
    assert progress.total_minutes == 15 and progress.practice_weeks == 1
    assert progress.trend is not None
    assert {line.name for line in progress.trend.lines} == {"Threat before", "Threat after"}


def _queries(http, url) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_two_scores_or_two_hundred(
    world, http, breathing, time_machine
):
    time_machine.move_to(NOW)
    sign_in(http, world.clinician_a)
    url = reverse("client_progress", args=[world.client_a.public_id]) + "?period=all"
    scored_response(world.client_a, _weeks_ago(3), 9)
    make_log(world.client_a, breathing, days_ago=3)
    few = _queries(http, url)
    for week in range(100):
        scored_response(world.client_a, _weeks_ago(week), week % 20)
        scored_response(
            world.client_a, _weeks_ago(week), measure="gad7", answers=dict.fromkeys(range(1, 8), 1)
        )
        make_log(world.client_a, breathing, days_ago=week * 7)
    many = _queries(http, url)
    assert many == few


def test_the_page_draws_each_chart_with_a_title_description_and_table(world, http, time_machine):
    time_machine.move_to(NOW)
    scored_response(world.client_a, _weeks_ago(6), 16)
    scored_response(world.client_a, _weeks_ago(1), 7)
    sign_in(http, world.clinician_a)
    page = http.get(reverse("client_progress", args=[world.client_a.public_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'role="img"' in html and '<title id="chart-phq9-title">PHQ-9 total over time' in html
    assert "Since the first score: recovered" in html  # in the chart's description
    assert "PHQ-9 scores as a table" in html
    assert "<td>Recovered (-9)</td>" in html
    assert "<script" not in html.split("<main", 1)[1]  # charts need no JavaScript


def test_a_new_score_shows_at_once_even_though_the_page_is_cached(world, http, time_machine):
    time_machine.move_to(NOW)
    scored_response(world.client_a, _weeks_ago(6), 16)
    sign_in(http, world.clinician_a)
    url = reverse("client_progress", args=[world.client_a.public_id])
    assert "<td>Baseline</td>" in http.get(url).content.decode()
    with CaptureQueriesContext(connection) as cached:
        http.get(url)
    scored_response(world.client_a, _weeks_ago(0), 4)
    with CaptureQueriesContext(connection) as fresh:
        html = http.get(url).content.decode()
    assert "<td>Recovered (-12)</td>" in html
    assert len(fresh) > len(cached)  # the cached page was not reused
    # Every look is audited, cached or not.
    assert AuditEvent.objects.filter(action="client.progress_viewed").count() == 3


def test_a_bad_date_is_explained_and_kept(world, http, time_machine):
    time_machine.move_to(NOW)
    sign_in(http, world.clinician_a)
    url = reverse("client_progress", args=[world.client_a.public_id])
    page = http.get(url, {"period": "6m", "start": "2031-02-30"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Enter a date as year-month-day" in html
    assert 'value="2031-02-30"' in html
    future = http.get(url, {"period": "6m", "start": "2030-01-01"})
    assert "not in the future" in future.content.decode()


def test_a_start_date_sets_the_period(world, http, time_machine):
    time_machine.move_to(NOW)
    scored_response(world.client_a, _weeks_ago(20), 16)
    scored_response(world.client_a, _weeks_ago(2), 9)
    sign_in(http, world.clinician_a)
    page = http.get(
        reverse("client_progress", args=[world.client_a.public_id]), {"start": "2026-10-01"}
    )
    progress = page.context["progress"]
    assert progress.first.isoformat() == "2026-10-01"
    assert [row.total for row in progress.measures[0].rows] == [9]


def test_a_measure_without_a_change_rule_never_claims_to_be_a_first_score(
    world, http, time_machine
):
    time_machine.move_to(NOW)
    for weeks, answer in [(6, 2), (3, 3), (1, 4)]:
        scored_response(
            world.client_a,
            _weeks_ago(weeks),
            measure="scs",
            answers=dict.fromkeys(range(1, 27), answer),
        )
    (scs,) = gather(world.client_a, timezone.now(), "3m").measures
    assert [row.status for row in scs.rows] == ["baseline", "no rule", "no rule"]
    sign_in(http, world.clinician_a)
    html = http.get(reverse("client_progress", args=[world.client_a.public_id])).content.decode()
    assert "This is the first score" not in html
    assert "change is not judged for this score" in html


def test_questionnaires_scored_by_subscales_show_each_subscale(world, time_machine):
    time_machine.move_to(NOW)
    answers = dict.fromkeys(range(1, 23), 2)
    scored_response(world.client_a, _weeks_ago(2), measure="fscrs", answers=answers)
    measures = gather(world.client_a, timezone.now(), "3m").measures
    assert [m.title for m in measures] == [
        "FSCRS: Inadequate Self (IS)",
        "FSCRS: Hated Self (HS)",
        "FSCRS: Reassured Self (RS)",
    ]
    inadequate = measures[0]
    assert inadequate.rows[0].total == 18  # nine items answered 2
    assert inadequate.anchor == "fscrs-inadequate-self"
    assert inadequate.chart is not None and inadequate.chart.zone is None  # no change rule
    assert "judged on questionnaire totals" in inadequate.threshold_text


def test_the_risk_banner_on_a_progress_page_is_never_stale(world, http):
    """The banner comes from a cache kept under the caseload's revision: a new risk answer
    shows on the very next look, one joining the episode updates the count, and a closed
    episode is gone from it."""
    sign_in(http, world.clinician_a)
    url = reverse("client_progress", args=[world.client_a.public_id])
    assert b"answers waiting for you" not in http.get(url).content
    assert b"answers waiting for you" not in http.get(url).content  # now from the cache
    episode = RiskAnswer.objects.get(response_id=answer_phq9(world).public_id).episode
    page = http.get(url).content.decode()
    assert "1 client with risk answers waiting for you:" in page
    assert f"{world.client_a.name} (high, 1 answer)" in page
    answer_phq9(world)  # joins the open episode
    assert f"{world.client_a.name} (high, 2 answers)" in http.get(url).content.decode()
    http.post(
        episode.get_absolute_url(),
        {"actions": ["phoned", "plan_reviewed"], "note": "Phoned", "answers_seen": 2},
    )
    episode.refresh_from_db()
    assert not episode.is_open
    assert b"answers waiting for you" not in http.get(url).content
    # Another clinician's banner never shows this caseload's risk answers.
    answer_phq9(world)
    other = sign_in(Client(), world.clinician_a2)
    assert b"answers waiting for you" not in other.get(reverse("dashboard")).content
