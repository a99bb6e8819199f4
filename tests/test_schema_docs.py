"""Each data folder's SCHEMA.md shows the field reference of the model its files are checked by."""

from __future__ import annotations

import pytest

from tending.practices.library import PracticeDefinition
from tending.schema_docs import refreshed, render, schema_files

AGAIN = "run `make schema-docs` and commit the SCHEMA.md it rewrites"


def test_it_finds_the_three_schema_files_each_with_a_generated_block():
    files = schema_files()
    assert [path.parent.name for path in files] == ["definitions", "library", "modules"]
    assert all("<!-- end of field reference -->" in path.read_text() for path in files)


@pytest.mark.parametrize("path", schema_files(), ids=lambda path: path.parent.name)
def test_the_committed_reference_is_the_one_the_model_gives(path):
    text = path.read_text(encoding="utf-8")
    assert refreshed(text) == text, AGAIN


def test_a_stale_reference_is_rewritten_and_the_prose_around_it_kept():
    stale = (
        "Prose before.\n\n"
        "<!-- field reference of tending.practices.library.PracticeDefinition: generated -->\n"
        "| `minutes` | whole number (1 to 90) |\n"
        "<!-- end of field reference -->\n\nProse after.\n"
    )
    fresh = refreshed(stale)
    assert fresh.startswith("Prose before.\n") and fresh.endswith("\nProse after.\n")
    assert "1 to 90" not in fresh
    assert render(PracticeDefinition) in fresh


def test_the_reference_states_types_limits_defaults_and_descriptions():
    reference = render(PracticeDefinition)
    assert "| `minutes` | whole number (1 to 60) | required | Its usual length;" in reference
    assert "| `steps` | list (1 to 12 entries) of mapping (`steps[]`) | required |" in reference
    assert "| `seconds` | whole number (5 to 600) or null | `null` |" in reference
    assert "| `lever` | one of `support`, `model`, `shape`, `train` |" in reference
