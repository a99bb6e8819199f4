from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from django.template.loader import render_to_string

from tending.formulation import three_circles


@pytest.mark.parametrize("rating", range(11))
def test_a_circles_area_is_in_proportion_to_its_rating(rating):
    largest = 64
    radius = three_circles.radius_for(rating, largest)
    assert radius == pytest.approx(largest * math.sqrt(rating / 10), abs=0.01)
    assert math.pi * radius**2 == pytest.approx(math.pi * largest**2 * rating / 10, rel=1e-3)


def test_twice_the_rating_is_twice_the_area_not_twice_the_width():
    three = three_circles.radius_for(3, 50)
    six = three_circles.radius_for(6, 50)
    assert (six / three) ** 2 == pytest.approx(2, rel=1e-3)
    assert six / three == pytest.approx(math.sqrt(2), rel=1e-3)


def test_a_rating_outside_0_to_10_is_refused():
    with pytest.raises(ValueError):
        three_circles.radius_for(11, 50)


def test_a_zero_is_still_drawn_as_an_outline():
    picture = three_circles.picture(7, 3, 0)
    soothe = picture.circles[2]
    assert soothe.is_zero and soothe.radius == 0
    assert soothe.drawn_radius > 0
    svg = render_to_string("formulation/snippets/circles_picture.html", {"pic": picture})
    assert 'fill="none"' in svg and "stroke-dasharray" in svg
    assert "Soothe" in svg and "0 out of 10" in svg


def test_the_circles_sit_side_by_side_without_overlapping_and_are_labelled():
    picture = three_circles.picture(10, 10, 10)
    threat, drive, soothe = picture.circles
    assert threat.cx + threat.radius < drive.cx - drive.radius
    assert drive.cx + drive.radius < soothe.cx - soothe.radius
    assert soothe.cx + soothe.radius <= picture.width
    assert all(c.name_y > c.cy + c.radius for c in picture.circles)
    svg = render_to_string("formulation/snippets/circles_picture.html", {"pic": picture})
    assert (
        'aria-label="Three circles: Threat 10 out of 10, Drive 10 out of 10, Soothe 10 out' in svg
    )
    for name in ("Threat", "Drive", "Soothe"):
        assert f">{name}<" in svg  # the name is written, colour is not the only cue


def test_the_trend_runs_left_to_right_in_time_and_up_with_the_rating():
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    check_ins = [
        three_circles.CheckInRatings(
            at=start + timedelta(weeks=week),
            day=(start + timedelta(weeks=week)).date(),
            threat=8 - week,
            drive=5,
            soothe=2 + week,
        )
        for week in range(5)
    ]
    trend = three_circles.trend(list(reversed(check_ins)))  # any order in
    assert trend is not None
    soothe = next(s for s in trend.series if s.system == "soothe")
    xs = [m.x for m in soothe.markers]
    ys = [m.y for m in soothe.markers]
    assert xs == sorted(xs) and xs[0] == trend.left and xs[-1] == trend.right
    assert ys == sorted(ys, reverse=True)  # a growing rating climbs (smaller y)
    assert {s.dash for s in trend.series} == {"2 4", "7 4", ""}  # each line looks different
    assert "soothe from 2 to 6" in trend.summary and "5 check-ins" in trend.summary
    labels = sorted(s.label_y for s in trend.series)
    assert all(b - a >= 13 for a, b in pairwise(labels))


def test_one_check_in_makes_a_trend_of_points_and_none_makes_none():
    assert three_circles.trend([]) is None
    at = datetime(2026, 3, 1, 12, tzinfo=UTC)
    trend = three_circles.trend([three_circles.CheckInRatings(at, date(2026, 3, 1), 4, 4, 4)])
    assert trend is not None
    assert trend.summary == "One check-in, on 1 March 2026: threat 4, drive 4, soothe 4."
    svg = render_to_string("formulation/snippets/circles_trend.html", {"trend": trend})
    assert "<polyline" not in svg and "<circle" in svg
