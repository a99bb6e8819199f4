from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tending.formulation.diffs import Piece, compare, word_diff


def test_it_marks_words_added_and_removed():
    pieces = word_diff("I will panic badly.", "I will panic and not cope.")
    assert pieces == (
        Piece("same", "I will panic "),
        Piece("removed", "badly."),
        Piece("added", "and not cope."),
    )


def test_identical_text_is_one_unchanged_piece():
    assert word_diff("Same words.", "Same words.") == (Piece("same", "Same words."),)


def test_it_compares_part_by_part_and_counts_words():
    changes = compare(
        {"a": "one two", "b": "kept"},
        {"a": "one three four", "b": "kept"},
        {"a": "Part A", "b": "Part B"},
    )
    assert [c.title for c in changes] == ["Part A", "Part B"]
    assert changes[0].changed and not changes[1].changed
    assert (changes[0].words_added, changes[0].words_removed) == (2, 1)


@given(st.text(max_size=80), st.text(max_size=80))
def test_the_pieces_rebuild_both_texts_exactly(old, new):
    pieces = word_diff(old, new)
    assert "".join(p.text for p in pieces if p.kind != "added") == old
    assert "".join(p.text for p in pieces if p.kind != "removed") == new
