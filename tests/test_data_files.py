"""The shared reader of data files: safe YAML, one clear line per problem, file and field named."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import Field

from tending.data_files import DataFile, DataFileError, DataModel, ListOf, Text, read_folder


class Part(DataModel):
    size: Annotated[int, Field(ge=1)]


class Example(DataFile):
    title: Text
    parts: ListOf[Part] = Field(min_length=1, max_length=2)
    tags: ListOf[Text] = ()
    extra: Part | None = None


def read(tmp_path, text, name="example.yaml"):
    (tmp_path / name).write_text(text)
    with pytest.raises(DataFileError) as error:
        read_folder(tmp_path, Example, DataFileError)
    return str(error.value)


def test_it_reads_every_file_by_key_with_lists_as_tuples(tmp_path):
    (tmp_path / "b-file.yaml").write_text("key: b-file\ntitle: ' B '\nparts: [{size: 2}]\n")
    (tmp_path / "a-file.yaml").write_text("key: a-file\ntitle: A\nparts: [{size: 1}]\n")
    (tmp_path / "notes.txt").write_text("not read")
    files = read_folder(tmp_path, Example, DataFileError)
    assert list(files) == ["a-file", "b-file"]
    assert files["b-file"].title == "B"
    assert files["b-file"].parts == (Part(size=2),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("key: [unclosed", "example.yaml: not readable as YAML: "),
        ("- a list", "example.yaml: the file must hold a mapping of fields"),
        ("", "example.yaml: the file must hold a mapping of fields"),
        ("key: other\ntitle: A\nparts: [{size: 1}]", "example.yaml: key: 'other' must match"),
        ("key: example\ntitle: A\nparts: [{size: 1}]\ntitel: B", "example.yaml: titel: is not"),
        ("key: example\nparts: [{size: 1}]", "example.yaml: title: Field required"),
        ("key: example\ntitle: A\nparts: {size: 1}", "example.yaml: parts: must be a list"),
        ("key: example\ntitle: A\nparts: []", "parts: has 0 entries; at least 1 needed"),
        ("key: example\ntitle: A\nparts: [3]", "example.yaml: parts[0]: must be a mapping of"),
        ("key: example\ntitle: 1\nparts: [{size: 1}]", "title: Input should be a valid string"),
        ("key: example\ntitle: A\nparts: [{size: '1'}]", "parts[0].size: Input should be a"),
        ("key: example\ntitle: A\nparts: [{size: true}]", "parts[0].size: Input should be a"),
    ],
)
def test_a_broken_file_is_one_error_naming_the_file_and_the_field(tmp_path, text, message):
    assert message in read(tmp_path, text)


def test_a_file_that_is_not_utf8_is_a_clear_error(tmp_path):
    (tmp_path / "example.yaml").write_bytes(b"\xff\xfe\x00key")
    with pytest.raises(DataFileError, match=r"^example\.yaml: not readable as YAML: "):
        read_folder(tmp_path, Example, DataFileError)


def test_problems_inside_a_list_are_not_hidden_by_a_count_of_its_valid_entries(tmp_path):
    # Neither part is valid, so pydantic also finds fewer than the 1 part needed: left out.
    text = "key: example\ntitle: A\nparts: [{size: 0}, {size: -1}]\ntags: ['', x]"
    assert read(tmp_path, text).splitlines() == [
        "example.yaml: parts[0].size: Input should be greater than or equal to 1",
        "example.yaml: parts[1].size: Input should be greater than or equal to 1",
        "example.yaml: tags[0]: String should have at least 1 character",
    ]


def test_a_list_too_long_says_how_long_it_may_be(tmp_path):
    text = "key: example\ntitle: A\nparts: [{size: 1}, {size: 2}, {size: 3}]"
    assert read(tmp_path, text) == "example.yaml: parts: has 3 entries; at most 2 allowed"


def test_a_part_that_may_be_null_is_named_like_any_other(tmp_path):
    text = "key: example\ntitle: A\nparts: [{size: 1}]\nextra: {size: 0}"
    assert (
        read(tmp_path, text)
        == "example.yaml: extra.size: Input should be greater than or equal to 1"
    )
