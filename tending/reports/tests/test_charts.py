"""Chart geometry from known data: where the points, bands, markers and bars land."""

from __future__ import annotations

from datetime import date

import pytest

from tending.reports import charts

PHQ9_BANDS = [
    (0, 4, "Minimal"),
    (5, 9, "Mild"),
    (10, 14, "Moderate"),
    (15, 19, "Moderately severe"),
    (20, 27, "Severe"),
]
BOTTOM = charts.SCORE_TOP + charts.SCORE_HEIGHT  # 208: a score of 0
PER_POINT = charts.SCORE_HEIGHT / 27  # SVG units per PHQ-9 point


def _chart(points, **overrides):
    arguments = {
        "title": "PHQ-9",
        "description": "test",
        "first": date(2026, 1, 1),
        "last": date(2026, 1, 31),
        "low": 0,
        "high": 27,
        "bands": PHQ9_BANDS,
        "points": points,
        "cutoff": 10,
        "cutoff_label": "Clinical cut-off 10",
        "threshold": 6,
        "baseline": points[0].value if points else None,
        "weekly_minutes": [],
    }
    arguments.update(overrides)
    return charts.measure_chart(**arguments)


def test_points_sit_at_their_date_and_score():
    chart = _chart(
        [
            charts.MeasurePoint(date(2026, 1, 1), 20, "baseline"),
            charts.MeasurePoint(date(2026, 1, 16), 27, "deteriorated"),
            charts.MeasurePoint(date(2026, 1, 31), 0, "recovered"),
        ]
    )
    xs = [point.x for point in chart.points]
    ys = [point.y for point in chart.points]
    assert xs == [charts.LEFT, charts.LEFT + 270, charts.WIDTH - charts.RIGHT]  # 540 wide / 30 days
    assert ys == [round(BOTTOM - 20 * PER_POINT, 2), charts.SCORE_TOP, BOTTOM]
    assert chart.line == " ".join(f"{x},{y}" for x, y in zip(xs, ys, strict=True))


def test_bands_meet_halfway_between_their_scores_and_fill_the_range():
    chart = _chart([charts.MeasurePoint(date(2026, 1, 5), 12, "baseline")])
    minimal, mild, *_, severe = chart.bands
    assert minimal.label == "Minimal"
    # Minimal covers 0 to 4.5, drawn from y(4.5) down to y(0).
    assert minimal.y == round(BOTTOM - 4.5 * PER_POINT, 2)
    assert minimal.y + minimal.height == pytest.approx(BOTTOM, abs=0.02)
    assert mild.y + mild.height == pytest.approx(minimal.y, abs=0.02)  # no gap, no overlap
    assert severe.y == charts.SCORE_TOP  # up to 27
    assert [band.tone for band in chart.bands] == [0, 1, 2, 3, 4]


def test_cut_off_and_reliable_change_zone_are_drawn_at_their_scores():
    chart = _chart([charts.MeasurePoint(date(2026, 1, 5), 12, "baseline")])
    assert chart.cutoff_y == round(BOTTOM - 10 * PER_POINT, 2)
    # Baseline 12, threshold 6: the no-reliable-change zone spans 6 to 18.
    assert chart.zone == (round(BOTTOM - 18 * PER_POINT, 2), round(BOTTOM - 6 * PER_POINT, 2))
    assert "12" in chart.zone_label and "6" in chart.zone_label


def test_zone_is_clipped_to_the_scale_and_absent_without_a_threshold():
    near_top = _chart([charts.MeasurePoint(date(2026, 1, 5), 25, "baseline")])
    assert near_top.zone is not None and near_top.zone[0] == charts.SCORE_TOP
    no_rule = _chart([charts.MeasurePoint(date(2026, 1, 5), 25, "baseline")], threshold=None)
    assert no_rule.zone is None and no_rule.zone_height == 0


def test_markers_show_status_and_a_label_only_when_the_status_changes():
    statuses = ["baseline", "unchanged", "improved", "improved", "recovered", "deteriorated"]
    chart = _chart(
        [
            charts.MeasurePoint(date(2026, 1, day), 10, status)
            for day, status in zip([1, 5, 9, 13, 17, 21], statuses, strict=True)
        ]
    )
    assert [point.marker for point in chart.points] == [
        "square",
        "circle",
        "diamond",
        "diamond",
        "star",
        "triangle",
    ]
    assert [point.label for point in chart.points] == [
        "Baseline",
        "",
        "Improved",
        "",
        "Recovered",
        "Deteriorated",
    ]
    assert [item.status for item in chart.legend] == [
        "baseline",
        "unchanged",
        "improved",
        "recovered",
        "deteriorated",
    ]


def test_marker_shapes_are_centred_on_the_point():
    square = charts.marker_polygon("square", 100, 50, size=5)
    assert square == "96.0,46.0 104.0,46.0 104.0,54.0 96.0,54.0"
    star = charts.marker_polygon("star", 0, 0)
    assert len(star.split()) == 10
    assert charts.marker_polygon("circle", 1, 1) == ""


def test_practice_bars_share_the_time_axis_and_scale_to_the_busiest_week():
    chart = _chart(
        [charts.MeasurePoint(date(2026, 1, 1), 5, "baseline")],
        weekly_minutes=[(date(2026, 1, 5), 45), (date(2026, 1, 12), 0), (date(2026, 1, 19), 90)],
    )
    assert [bar.minutes for bar in chart.bars] == [45, 90]  # empty weeks draw nothing
    first, busiest = chart.bars
    assert first.x == round(charts.LEFT + 4 * 18 + 0.5, 2)  # 4 days in, 18 units a day
    assert busiest.height == charts.STRIP_HEIGHT  # 90 minutes is the ceiling
    assert first.height == pytest.approx(charts.STRIP_HEIGHT / 2, abs=0.01)
    assert chart.bar_ticks[0].label == "90 min"


def test_month_ticks_and_ceilings():
    scale = charts.date_scale(date(2026, 1, 15), date(2026, 4, 15))
    ticks = charts.month_ticks(date(2026, 1, 15), date(2026, 4, 15), scale)
    assert [tick.label for tick in ticks] == ["Feb 2026", "Mar 2026", "Apr 2026"]
    assert charts.nice_ceiling(0) == 10
    assert charts.nice_ceiling(61) == 90
    assert charts.nice_ceiling(1000) == 1200


def test_trend_lines_break_across_weeks_without_ratings():
    chart = charts.trend_chart(
        title="Check-ins",
        description="test",
        first=date(2026, 1, 5),
        last=date(2026, 2, 28),
        series={
            "Soothe after": [(date(2026, 1, 5), 4), (date(2026, 1, 12), 6), (date(2026, 2, 2), 8)],
            "Threat before": [(date(2026, 1, 5), 7)],
        },
    )
    soothe = [line for line in chart.lines if line.name == "Soothe after"]
    assert [len(line.points.split()) for line in soothe] == [2, 2]  # a gap, then a lone week
    threat = next(line for line in chart.lines if line.name == "Threat before")
    assert threat.dashed and threat.tone == "threat"
    assert not soothe[0].dashed
    y_of_ten = chart.y_ticks[-1].position
    assert y_of_ten == charts.SCORE_TOP


def test_a_period_starting_mid_week_still_draws_that_weeks_practice():
    chart = _chart(
        [charts.MeasurePoint(date(2026, 1, 1), 5, "baseline")],
        weekly_minutes=[(date(2025, 12, 29), 30), (date(2026, 1, 26), 60)],
    )
    first, last = chart.bars
    assert first.week == date(2025, 12, 29) and first.x == charts.LEFT + 0.5
    assert first.width == pytest.approx(4 * 18 - 1, abs=0.01)  # Thu 1 to Sun 4 January
    assert last.x + last.width <= charts.WIDTH - charts.RIGHT  # stops at 31 January


def test_each_trend_line_is_named_at_its_end_not_by_colour_alone():
    chart = charts.trend_chart(
        title="Check-ins",
        description="test",
        first=date(2026, 1, 5),
        last=date(2026, 1, 31),
        series={
            "Threat before": [(date(2026, 1, 5), 7), (date(2026, 1, 12), 6)],
            "Threat after": [(date(2026, 1, 5), 4), (date(2026, 1, 12), 3)],
            "Soothe before": [(date(2026, 1, 5), 2)],
        },
    )
    assert sorted(label.text for label in chart.labels) == ["Soothe", "Threat"]
    threat = next(label for label in chart.labels if label.text == "Threat")
    after = next(line for line in chart.lines if line.name == "Threat after")
    end_x, end_y = (float(v) for v in after.points.split()[-1].split(","))
    assert (threat.x, threat.y) == (end_x + 5, end_y + 4)
