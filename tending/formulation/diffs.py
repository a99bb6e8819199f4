"""What changed between two texts, word by word. Pure: strings in, pieces out.

Built on `difflib.SequenceMatcher` over words and the spaces between them, so joining the
"same" and "added" pieces gives the new text back exactly, and "same" with "removed" the old.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["same", "added", "removed"]
_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    kind: Kind
    text: str


@dataclass(frozen=True)
class PartChange:
    """One part of a formulation compared between two versions."""

    key: str
    title: str
    pieces: tuple[Piece, ...]
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def words_added(self) -> int:
        return _word_count(piece.text for piece in self.pieces if piece.kind == "added")

    @property
    def words_removed(self) -> int:
        return _word_count(piece.text for piece in self.pieces if piece.kind == "removed")


def _word_count(texts: Iterable[str]) -> int:
    return sum(len(text.split()) for text in texts)


def word_diff(old: str, new: str) -> tuple[Piece, ...]:
    """Return the pieces that turn `old` into `new`; runs of one kind are merged."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(pieces, "same", "".join(before[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _append(pieces, "removed", "".join(before[i1:i2]))
        if tag in ("insert", "replace"):
            _append(pieces, "added", "".join(after[j1:j2]))
    return tuple(pieces)


def _append(pieces: list[Piece], kind: Kind, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].kind == kind:
        pieces[-1] = Piece(kind, pieces[-1].text + text)
    else:
        pieces.append(Piece(kind, text))


def compare(
    old: dict[str, str], new: dict[str, str], titles: dict[str, str]
) -> tuple[PartChange, ...]:
    """Compare two versions part by part, in the order of `titles`."""
    return tuple(
        PartChange(
            key=key,
            title=title,
            pieces=word_diff(old.get(key, ""), new.get(key, "")),
            old=old.get(key, ""),
            new=new.get(key, ""),
        )
        for key, title in titles.items()
    )
