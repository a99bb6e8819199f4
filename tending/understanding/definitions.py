"""The "not my fault" modules (`modules/*.yaml`): their format and reading them.

Plain Python over plain data: no ORM here. `ModuleDefinition` states the format (`SCHEMA.md`
beside the files shows it); `read_modules()` returns every module in reading order or raises
`ModuleError` naming the file and the field at fault; the system check in `checks.py` turns
that into a failed `tending check`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Self

from pydantic import AfterValidator, Field, model_validator

from tending.data_files import (
    DataFile,
    DataFileError,
    DataModel,
    Key,
    ListOf,
    OneOf,
    Text,
    invalid_at,
    read_folder,
)
from tending.practices.library import LAYERS, LEVERS, PROCESSES

MODULES_DIR = Path(__file__).resolve().parent / "modules"
# Every module closes with these two questions, in these words (the brief for issue 7), plus
# one question of its own.
SHARED_PROMPTS = {
    "makes-sense": "Does it make sense that you would struggle with this, given all of that?",
    "what-might-help": "Given that, what might help?",
}


def _one_line(text: str) -> str:
    return " ".join(text.split())


# Text as the client reads it: YAML's line breaks and runs of spaces become single spaces.
Prose = Annotated[Text, AfterValidator(_one_line)]


class ModuleError(DataFileError):
    """A module file is broken; the message names the file, the field and what is wrong."""


class Section(DataModel):
    heading: Annotated[Prose, Field(max_length=80)] = Field(description="The section's heading.")
    # Phone-sized reading: short sections of short paragraphs.
    paragraphs: ListOf[Annotated[Prose, Field(max_length=420)]] = Field(
        min_length=1, max_length=4, description="Its paragraphs, short enough to read on a phone."
    )


class Prompt(DataModel):
    key: Key = Field(description="Names the question; a reflection keeps its answer under it.")
    text: Annotated[Prose, Field(max_length=200)] = Field(description="The question.")


class ModuleDefinition(DataFile):
    version: Annotated[int, Field(ge=1, le=10_000)] = Field(
        description="Raise it whenever the text changes, so progress and reflections record "
        "which text the client read."
    )
    position: Annotated[int, Field(ge=1, le=100)] = Field(
        description="Reading order on the client's list, 1 first; each module has its own."
    )
    title: Annotated[Prose, Field(max_length=80)] = Field(description="The module's name.")
    summary: Annotated[Prose, Field(max_length=200)] = Field(description="One line on it.")
    minutes: Annotated[int, Field(ge=1, le=30)] = Field(description="Typical reading time.")
    layer: Annotated[int, OneOf(LAYERS)] = Field(
        description="The CFT layer it serves, from `practices.library.LAYERS` (these modules "
        "serve 2)."
    )
    processes: ListOf[Annotated[str, OneOf(PROCESSES)]] = Field(
        min_length=1, max_length=4, description="The processes it serves."
    )
    lever: Annotated[str, OneOf(LEVERS)] = Field(description="How the clinician uses it.")
    sections: ListOf[Section] = Field(
        min_length=2, max_length=8, description="The text, in sections."
    )
    prompts: ListOf[Prompt] = Field(
        min_length=3,
        max_length=3,
        description="The closing questions, each with its own key: one of the module's own, "
        "plus `makes-sense` and `what-might-help` worded exactly as in `SHARED_PROMPTS`.",
    )
    sources: ListOf[Annotated[Prose, Field(max_length=300)]] = Field(
        min_length=1, max_length=8, description="References for the ideas in the text."
    )

    @property
    def layer_label(self) -> str:
        return LAYERS[self.layer]

    @property
    def process_labels(self) -> list[str]:
        return [PROCESSES[p] for p in self.processes]

    @property
    def lever_label(self) -> str:
        return LEVERS[self.lever]

    @model_validator(mode="after")
    def _check_prompts(self) -> Self:
        keys = [prompt.key for prompt in self.prompts]
        for number, key in enumerate(keys):
            if key in keys[:number]:
                raise invalid_at(("prompts", number, "key"), f"{key!r} is used twice")
        for key, text in SHARED_PROMPTS.items():
            if key not in keys:
                raise invalid_at(("prompts",), f"needs {key!r} worded exactly: {text}")
            number = keys.index(key)
            if self.prompts[number].text != text:
                raise invalid_at(
                    ("prompts", number, "text"), f"{key!r} must be worded exactly: {text}"
                )
        return self


def read_modules(directory: Path | None = None) -> dict[str, ModuleDefinition]:
    """Return every module by key in reading order, or raise ModuleError for a broken file."""
    modules = read_folder(directory or MODULES_DIR, ModuleDefinition, ModuleError)
    taken: dict[int, str] = {}
    for module in modules.values():
        if module.position in taken:
            raise ModuleError(
                f"{module.key}.yaml: position: {module.position} is also the position of "
                f"{taken[module.position]}.yaml; each module needs its own place"
            )
        taken[module.position] = module.key
    return {module.key: module for module in sorted(modules.values(), key=lambda m: m.position)}


@cache
def all_modules() -> dict[str, ModuleDefinition]:
    """Return the built-in modules, read once per process (the files change only on deploy)."""
    return read_modules()


def module_or_none(key: str) -> ModuleDefinition | None:
    return all_modules().get(key)
