"""Files kept as data (questionnaires, practices, modules): reading and validating them.

Each kind of file is a pydantic model built on `DataFile`. `read_folder()` reads every `*.yaml`
in a folder with `yaml.safe_load`, validates it and returns the files by key, or raises the
caller's error naming the file and the field path of each problem, such as
`phq9.yaml: items[3].text: ...` (list positions count from 0). The system check of each app
turns that error into a failed `tending check`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError, core_schema

T = TypeVar("T")
FileT = TypeVar("FileT", bound="DataFile")

# YAML gives lists; the objects keep tuples. Only the list itself is converted: its entries are
# checked as strictly as any other value.
ListOf = Annotated[tuple[T, ...], Field(strict=False)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Loc = tuple[int | str, ...]


class DataFileError(Exception):
    """A data file is broken; the message names the file, the field and what is wrong."""


@dataclass(frozen=True)
class OneOf:
    """Type metadata: the value must be one of `choices` (the keys of a dict of labels)."""

    choices: Collection[object]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.literal_schema(list(self.choices))


class DataModel(BaseModel):
    """A part of a data file: frozen, no unknown keys, no silent conversion of types.

    Unions other than `X | None` put the name of each type pydantic tried into the error's
    path; give such a field one message of its own (as `ScoreSpec.items` does).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class DataFile(DataModel):
    """A whole data file; its key is its file name."""

    key: Key = Field(description="Lower-case letters, digits and hyphens; the file name.")


def invalid_at(loc: Loc, message: str) -> ValidationError:
    """Return a validation error at `loc` inside the model being validated.

    For rules across fields: raised from a model validator, it names the exact field at fault.
    """
    rule = PydanticCustomError("rule", message)
    return ValidationError.from_exception_data(
        "rule", [InitErrorDetails(type=rule, loc=loc, input=None)]
    )


def field_path(loc: Loc) -> str:
    """Return `loc` written as in the file: `items[3].text`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else part
    return path


def _message(problem: ErrorDetails) -> str:
    kind, context = problem["type"], problem.get("ctx", {})
    if kind == "tuple_type":
        return "must be a list"
    if kind == "model_type":  # pydantic's message names the model class, not the file's words
        return "must be a mapping of fields"
    if kind == "extra_forbidden":
        return "is not a field here; check its spelling"
    if kind in {"too_short", "too_long"}:
        # Also a string's length checked after a validator (as `Prose`): say what is counted.
        unit = "characters" if isinstance(problem["input"], str) else "entries"
        if kind == "too_short":
            return f"has {context['actual_length']} {unit}; at least {context['min_length']} needed"
        return f"has {context['actual_length']} {unit}; at most {context['max_length']} allowed"
    return problem["msg"].removeprefix("Value error, ")


def problems(error: ValidationError) -> list[str]:
    """Return one line per problem: the field path, then what is wrong."""
    found = error.errors(include_url=False)
    lines = []
    for problem in found:
        loc = problem["loc"]
        inside = [p for p in found if len(p["loc"]) > len(loc) and p["loc"][: len(loc)] == loc]
        if problem["type"] in {"too_short", "too_long"} and inside:
            continue  # pydantic counts only the valid entries; the entries' problems say more
        where = field_path(loc)
        lines.append(f"{where}: {_message(problem)}" if where else _message(problem))
    return lines


def read_file(path: Path, model: type[FileT], error: type[DataFileError]) -> FileT:
    """Return the file at `path` as `model`; raise `error` naming the file and each problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as unreadable:
        raise error(f"{path.name}: not readable as YAML: {unreadable}") from None
    if not isinstance(data, dict):
        raise error(f"{path.name}: the file must hold a mapping of fields")
    try:
        parsed = model.model_validate(data)
    except ValidationError as invalid:
        raise error("\n".join(f"{path.name}: {line}" for line in problems(invalid))) from None
    if parsed.key != path.stem:
        raise error(f"{path.name}: key: {parsed.key!r} must match the file name")
    return parsed


def read_folder(
    directory: Path, model: type[FileT], error: type[DataFileError]
) -> dict[str, FileT]:
    """Return every `*.yaml` file in `directory` as `model` by key, in file-name order.

    Raise `error` for the first broken file.
    """
    return {path.stem: read_file(path, model, error) for path in sorted(directory.glob("*.yaml"))}
