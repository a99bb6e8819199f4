"""Geometry of the formulation diagram. Pure: texts in, boxes, lines and arrows out.

Four columns run left to right (historical influences, key threats and fears, safety
strategies, unintended consequences) joined by arrows. The self-to-self relating box sits under
the last two columns: the consequences feed it, and a loop arrow runs from it back up into the
fears, the cycle that keeps the fears going (shared/clinical-facts.md C11).

Text is wrapped by counting characters (SVG cannot wrap text by itself); a box that would grow
too tall ends its last line with an ellipsis, and the page prints every word in full below
the picture. `formulation/snippets/diagram.svg.html` draws what this module returns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from tending.formulation.parts import COLUMNS, Part, parts_in

# Sizes in SVG user units; the SVG scales to its container.
WIDTH = 1000
MARGIN = 16
GAP = 44  # between columns: room for the arrows
COLUMN_WIDTH = (WIDTH - 2 * MARGIN - 3 * GAP) / 4
INSET = 6  # from a column's outline to the boxes inside it
BOX_WIDTH = COLUMN_WIDTH - 2 * INSET  # in one of the four columns
PAD = 9  # inside a box
FONT_SIZE = 13
SUBTITLE_SIZE = 12
LINE_HEIGHT = 17
SUB_LABEL_HEIGHT = 17
HEADING_HEIGHT = 44  # the column's title and subtitle
BOX_GAP = 8
MIN_ROW = 150
SELF_GAP = 60  # between the columns and the self-to-self relating box: the "feeds" arrow
# An average character of a sans-serif font is a little over half its size wide; erring wide
# keeps lines inside their boxes in every font.
CHAR_WIDTH = 0.56 * FONT_SIZE
MAX_LINES = {"": 22, "external": 9, "internal": 9, "self": 7}
MAX_PRACTICE_LINES = 4
ELLIPSIS = "\u2026"
EMPTY_TEXT = "Not written yet"
LOOP_LABEL = ("This loop adds heat", "to the fears, so the", "cycle keeps going")


@dataclass(frozen=True)
class TextLine:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Box:
    key: str
    x: float
    y: float
    width: float
    height: float
    label: TextLine | None  # "About other people" / "About me" in a split column
    lines: tuple[TextLine, ...]
    practice_lines: tuple[TextLine, ...]
    empty: bool
    truncated: bool


@dataclass(frozen=True)
class ColumnShape:
    number: int
    x: float
    y: float
    width: float
    height: float
    title: TextLine
    subtitle: TextLine
    boxes: tuple[Box, ...]

    @property
    def centre_x(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def right(self) -> float:
        return round(self.x + self.width, 2)

    @property
    def bottom(self) -> float:
        return round(self.y + self.height, 2)


@dataclass(frozen=True)
class Arrow:
    path: str  # the "d" of an SVG <path>
    head: str  # the "points" of the arrowhead's <polygon>


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    columns: tuple[ColumnShape, ...]
    self_relating: ColumnShape
    arrows: tuple[Arrow, ...]  # column to column
    feeds: Arrow  # consequences down to self-to-self relating
    feeds_label: TextLine
    loop: Arrow  # self-to-self relating back up to the fears
    loop_label: tuple[TextLine, ...]

    @property
    def truncated(self) -> bool:
        shapes = (*self.columns, self.self_relating)
        return any(box.truncated for shape in shapes for box in shape.boxes)


def wrap(text: str, width: int, max_lines: int) -> tuple[list[str], bool]:
    """Return `text` in lines of at most `width` characters, and whether some was cut.

    Words move whole to the next line; a word longer than a line is split. Blank lines are
    dropped (space is short in a box). Past `max_lines`, the last line ends in an ellipsis.
    """
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split():
            while len(word) > width:
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:width])
                word = word[width:]
            if not line:
                line = word
            elif len(line) + 1 + len(word) <= width:
                line = f"{line} {word}"
            else:
                lines.append(line)
                line = word
        if line:
            lines.append(line)
    if len(lines) <= max_lines:
        return lines, False
    kept = lines[:max_lines]
    kept[-1] = kept[-1][: width - 1].rstrip() + ELLIPSIS
    return kept, True


def shorten(text: str, width: int) -> str:
    """Return `text` cut to `width` characters, ending in an ellipsis when cut."""
    return text if len(text) <= width else text[: width - 1].rstrip() + ELLIPSIS


def practice_lines(titles: Sequence[str], width: int) -> list[str]:
    """Lines naming the practices linked to a part; past MAX_PRACTICE_LINES, "and N more"."""
    lines: list[str] = []
    for index, title in enumerate(titles):
        wrapped = wrap(f"Practice: {title}", width, 2)[0]
        room = MAX_PRACTICE_LINES - (0 if index == len(titles) - 1 else 1)
        if len(lines) + len(wrapped) > room:
            rest = len(titles) - index
            lines.append(f"and {rest} more practice{'s' if rest > 1 else ''}")
            break
        lines += wrapped
    return lines


@dataclass
class _Content:
    """A box's wrapped text before it has a place."""

    part: Part
    lines: list[str]
    practices: list[str]
    truncated: bool

    @property
    def height(self) -> float:
        label = SUB_LABEL_HEIGHT if self.part.side else 0
        count = max(len(self.lines), 1) + len(self.practices)
        return 2 * PAD + label + count * LINE_HEIGHT


def _content(
    part: Part, texts: Mapping[str, str], practices: Mapping[str, Sequence[str]], box_width: float
) -> _Content:
    chars = int((box_width - 2 * PAD) / CHAR_WIDTH)
    limit = MAX_LINES["self" if part.column == 5 else part.side]
    lines, truncated = wrap(texts.get(part.key, ""), chars, limit)
    return _Content(part, lines, practice_lines(practices.get(part.key, ()), chars), truncated)


def _box(content: _Content, x: float, y: float, width: float, height: float) -> Box:
    top = y + PAD
    label = None
    if content.part.side:
        label = TextLine(
            round(x + PAD, 2), round(top + SUB_LABEL_HEIGHT - 5, 2), content.part.label
        )
        top += SUB_LABEL_HEIGHT
    shown = content.lines or [EMPTY_TEXT]
    lines = tuple(
        TextLine(round(x + PAD, 2), round(top + (i + 1) * LINE_HEIGHT - 4, 2), text)
        for i, text in enumerate(shown)
    )
    top += len(shown) * LINE_HEIGHT
    practices = tuple(
        TextLine(round(x + PAD, 2), round(top + (i + 1) * LINE_HEIGHT - 4, 2), text)
        for i, text in enumerate(content.practices)
    )
    return Box(
        key=content.part.key,
        x=round(x, 2),
        y=round(y, 2),
        width=round(width, 2),
        height=round(height, 2),
        label=label,
        lines=lines,
        practice_lines=practices,
        empty=not content.lines,
        truncated=content.truncated,
    )


def _heading(number: int, x: float, y: float, width: float) -> tuple[TextLine, TextLine]:
    column = COLUMNS[number]
    chars = int((width - 2 * INSET) / (SUBTITLE_SIZE * 0.56))
    return (
        TextLine(round(x + INSET, 2), round(y + 19, 2), column.title),
        TextLine(round(x + INSET, 2), round(y + 36, 2), shorten(column.subtitle, chars)),
    )


def _arrow_right(x1: float, x2: float, y: float) -> Arrow:
    return Arrow(
        path=f"M {round(x1, 2)} {round(y, 2)} H {round(x2 - 8, 2)}",
        head=_points([(x2, y), (x2 - 9, y - 5), (x2 - 9, y + 5)]),
    )


def _arrow_down(x: float, y1: float, y2: float) -> Arrow:
    return Arrow(
        path=f"M {round(x, 2)} {round(y1, 2)} V {round(y2 - 8, 2)}",
        head=_points([(x, y2), (x - 5, y2 - 9), (x + 5, y2 - 9)]),
    )


def _points(corners: list[tuple[float, float]]) -> str:
    return " ".join(f"{round(x, 2)},{round(y, 2)}" for x, y in corners)


def layout(
    texts: Mapping[str, str], practices: Mapping[str, Sequence[str]] | None = None
) -> Diagram:
    """Place every part of a formulation. `practices` maps part keys to practice titles."""
    practices = practices or {}
    contents = {
        number: [_content(part, texts, practices, BOX_WIDTH) for part in parts_in(number)]
        for number in range(1, 5)
    }
    needed = [
        sum(c.height for c in column) + BOX_GAP * (len(column) - 1) for column in contents.values()
    ]
    row = max(MIN_ROW, *needed)
    columns = [_column(number, column, row) for number, column in contents.items()]
    middle = MARGIN + HEADING_HEIGHT + row / 2
    arrows = tuple(
        _arrow_right(left.right + 3, right.x - 3, middle) for left, right in pairwise(columns)
    )
    # Self-to-self relating, under the safety strategies and the consequences.
    fears, third, fourth = columns[1], columns[2], columns[3]
    self_y = fourth.bottom + SELF_GAP
    self_shape = _self_relating(texts, practices, third.x, fourth.right - third.x, self_y)
    label_top = fears.bottom + 24  # the loop's words, beside its way up
    loop, loop_label = _loop(fears, third.x, self_y + self_shape.height / 2, label_top)
    return Diagram(
        width=WIDTH,
        height=math.ceil(max(self_shape.bottom, label_top + 15 * len(LOOP_LABEL)) + MARGIN),
        columns=tuple(columns),
        self_relating=self_shape,
        arrows=arrows,
        feeds=_arrow_down(fourth.centre_x, fourth.bottom + 3, self_y - 3),
        feeds_label=TextLine(
            round(fourth.centre_x + 10, 2), round(fourth.bottom + SELF_GAP / 2 + 4, 2), "feeds"
        ),
        loop=loop,
        loop_label=loop_label,
    )


def _column(number: int, column: list[_Content], row: float) -> ColumnShape:
    """One of the four columns, `row` tall below its heading, its boxes filling it."""
    x = MARGIN + (number - 1) * (COLUMN_WIDTH + GAP)
    title, subtitle = _heading(number, x, MARGIN, COLUMN_WIDTH)
    return ColumnShape(
        number=number,
        x=round(x, 2),
        y=MARGIN,
        width=round(COLUMN_WIDTH, 2),
        height=round(HEADING_HEIGHT + row + INSET, 2),
        title=title,
        subtitle=subtitle,
        boxes=_column_boxes(column, x + INSET, MARGIN + HEADING_HEIGHT, row),
    )


def _column_boxes(column: list[_Content], x: float, top: float, row: float) -> tuple[Box, ...]:
    if len(column) == 1:
        return (_box(column[0], x, top, BOX_WIDTH, row),)
    first, second = column
    # The spare height is shared, so both boxes end level with their neighbours.
    upper = first.height + (row - first.height - second.height - BOX_GAP) / 2
    return (
        _box(first, x, top, BOX_WIDTH, upper),
        _box(second, x, top + upper + BOX_GAP, BOX_WIDTH, row - upper - BOX_GAP),
    )


def _self_relating(
    texts: Mapping[str, str],
    practices: Mapping[str, Sequence[str]],
    x: float,
    width: float,
    y: float,
) -> ColumnShape:
    """The self-to-self relating box, as tall as its text, its top left corner at (x, y)."""
    content = _content(parts_in(5)[0], texts, practices, width - 2 * INSET)
    title, subtitle = _heading(5, x, y, width)
    box = _box(content, x + INSET, y + HEADING_HEIGHT, width - 2 * INSET, content.height)
    return ColumnShape(
        number=5,
        x=round(x, 2),
        y=round(y, 2),
        width=round(width, 2),
        height=round(HEADING_HEIGHT + content.height + INSET, 2),
        title=title,
        subtitle=subtitle,
        boxes=(box,),
    )


def _loop(
    fears: ColumnShape, self_x: float, loop_y: float, label_top: float
) -> tuple[Arrow, tuple[TextLine, ...]]:
    """The loop out of the self-to-self box to the left, then up into the fears; its words."""
    up_to = fears.bottom + 3
    arrow = Arrow(
        path=(
            f"M {round(self_x - 3, 2)} {round(loop_y, 2)} "
            f"H {fears.centre_x} V {round(up_to + 8, 2)}"
        ),
        head=_points(
            [
                (fears.centre_x, up_to),
                (fears.centre_x - 5, up_to + 9),
                (fears.centre_x + 5, up_to + 9),
            ]
        ),
    )
    label = tuple(
        TextLine(round(fears.centre_x - 10, 2), round(label_top + i * 15, 2), text)
        for i, text in enumerate(LOOP_LABEL)
    )
    return arrow, label
