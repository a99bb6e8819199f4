from __future__ import annotations

import re

from django.template.loader import render_to_string

from tending.formulation import diagram
from tending.formulation.parts import PART_KEYS


def test_it_wraps_words_to_the_width_and_keeps_every_word():
    lines, cut = diagram.wrap("one two three four five six seven", 9, 10)
    assert lines == ["one two", "three", "four five", "six seven"]
    assert not cut
    assert all(len(line) <= 9 for line in lines)


def test_it_keeps_line_breaks_and_drops_blank_lines():
    lines, _ = diagram.wrap("first line\n\n  \nsecond", 40, 10)
    assert lines == ["first line", "second"]


def test_it_splits_a_word_longer_than_a_line():
    lines, _ = diagram.wrap("a supercalifragilistic word", 8, 10)
    assert lines == ["a", "supercal", "ifragili", "stic", "word"]


def test_it_ends_a_cut_box_with_an_ellipsis():
    lines, cut = diagram.wrap("word " * 100, 20, 3)
    assert cut and len(lines) == 3
    assert lines[-1].endswith("\u2026") and len(lines[-1]) <= 20


def test_it_draws_four_columns_left_to_right_joined_by_arrows():
    picture = diagram.layout({"history": "Moved a lot."})
    xs = [column.x for column in picture.columns]
    assert [column.number for column in picture.columns] == [1, 2, 3, 4]
    assert xs == sorted(xs)
    assert len(picture.arrows) == 3
    for arrow, left, right in zip(
        picture.arrows, picture.columns, picture.columns[1:], strict=False
    ):
        start, end = _numbers(arrow.path)[0], _numbers(arrow.head)[0]
        assert left.right <= start < end <= right.x
    assert all(column.x + column.width <= picture.width for column in picture.columns)


def test_fears_and_strategies_have_two_optional_boxes_and_the_rest_one():
    picture = diagram.layout({})
    assert [len(column.boxes) for column in picture.columns] == [1, 2, 2, 1]
    assert all(box.empty for column in picture.columns for box in column.boxes)
    fears = picture.columns[1]
    assert [box.label.text for box in fears.boxes] == ["About other people", "About me"]


def test_the_loop_runs_from_self_to_self_relating_back_up_into_the_fears():
    picture = diagram.layout({"self_relating": "Harsh critic."})
    fears, consequences = picture.columns[1], picture.columns[3]
    me = picture.self_relating
    assert me.y > consequences.bottom  # underneath the columns
    # "feeds": straight down from the consequences into the self-to-self box.
    feeds_x, feeds_top = _numbers(picture.feeds.path)[:2]
    assert feeds_x == consequences.centre_x and feeds_top >= consequences.bottom
    assert _numbers(picture.feeds.head)[1] <= me.y
    # The loop leaves the self-to-self box on its left and ends pointing up at the fears.
    start_x = _numbers(picture.loop.path)[0]
    tip_x, tip_y = _numbers(picture.loop.head)[:2]
    assert start_x <= me.x
    assert tip_x == fears.centre_x and fears.bottom <= tip_y < me.y


def test_boxes_grow_with_their_text_and_columns_stay_level():
    short = diagram.layout({"history": "A."})
    long = diagram.layout({"history": "word " * 80})
    assert long.height > short.height
    bottoms = {column.bottom for column in long.columns}
    assert len(bottoms) == 1
    for column in long.columns:
        for box in column.boxes:
            assert box.y + box.height <= column.bottom
            for line in box.lines:
                assert box.y < line.y < box.y + box.height


def test_a_very_long_part_is_cut_in_the_picture_and_says_so():
    picture = diagram.layout({"threats_internal": "panic " * 300})
    assert picture.truncated
    box = picture.columns[1].boxes[1]
    assert len(box.lines) == diagram.MAX_LINES["internal"]


def test_linked_practices_are_named_in_their_box():
    picture = diagram.layout(
        {"threats_internal": "Panic."},
        {"threats_internal": ["Soothing rhythm breathing", "Safe place", "Body scan", "Colour"]},
    )
    box = picture.columns[1].boxes[1]
    texts = [line.text for line in box.practice_lines]
    assert texts[0].startswith("Practice: Soothing")
    assert texts[-1] == "and 2 more practices"


def test_the_svg_contains_every_parts_text_escaped():
    texts = {key: f"Part {n}: <b>me</b> & you" for n, key in enumerate(PART_KEYS)}
    svg = render_to_string(
        "formulation/snippets/diagram.html", {"picture": diagram.layout(texts), "version": None}
    )
    for n in range(len(PART_KEYS)):
        assert f"Part {n}: &lt;b&gt;me&lt;/b&gt; &amp; you" in svg
    assert "<b>" not in svg
    assert 'role="img"' in svg and "<desc" in svg and "<title" in svg
    assert "Historical influences" in svg and "Self-to-self relating" in svg
    assert "This loop adds heat" in svg
    assert "style=" not in svg  # the page's CSP allows no inline styles


def _numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text)]
