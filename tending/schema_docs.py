"""The field reference in each data folder's `SCHEMA.md`, generated from its pydantic model.

A `SCHEMA.md` keeps its human-written prose and one generated block between two markers; the
first marker names the model. `python -m tending.schema_docs` (`make schema-docs`) rewrites
the blocks; a test fails while a block differs from its model, so the reference cannot drift
from the rules the files are checked against.
"""

from __future__ import annotations

import json
import re
from importlib import import_module
from pathlib import Path
from typing import Any

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent
BLOCK = re.compile(
    r"(?P<begin><!-- field reference of (?P<model>[\w.]+): .*? -->\n)"
    r".*?"
    r"(?P<end><!-- end of field reference -->)",
    re.DOTALL,
)
Schema = dict[str, Any]


def _range(schema: Schema, unit: str = "") -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if low is not None and high is not None:
        return f"{low} to {high}{unit}"
    if above is not None and below is not None:
        return f"above {above} and below {below}"
    if low is not None:
        return f"at least {low}{unit}"
    if above is not None:
        return f"above {above}"
    if high is not None:
        return f"at most {high}{unit}"
    return ""


def _lengths(schema: Schema, unit: str, low: str = "minLength", high: str = "maxLength") -> str:
    fewest, most = schema.get(low), schema.get(high)
    if fewest == 1 and most is None:
        return "not empty"
    if fewest is not None and fewest == most:
        return f"exactly {most} {unit}"
    return _range({"minimum": fewest, "maximum": most}, f" {unit}")


def _kind(schema: Schema, paths: dict[str, str]) -> str:
    """Return the type of a value in plain words, with its limits in brackets."""
    if "$ref" in schema:
        return f"mapping (`{paths[schema['$ref']]}`)"
    if "anyOf" in schema:
        return " or ".join(_kind(option, paths) for option in schema["anyOf"])
    if "const" in schema:
        return _written(schema["const"])
    if "enum" in schema:
        return "one of " + ", ".join(_written(value) for value in schema["enum"])
    kind = str(schema.get("type"))
    if kind == "array":
        size = _lengths(schema, "entries", "minItems", "maxItems")
        return f"list{f' ({size})' if size else ''} of {_kind(schema['items'], paths)}"
    limits = _lengths(schema, "characters") if kind == "string" else _range(schema)
    if "pattern" in schema:
        limits = f"matching `{schema['pattern']}`"
    plain = {"string": "text", "integer": "whole number", "boolean": "true or false"}.get(
        kind, kind
    )
    return f"{plain} ({limits})" if limits else plain


def _nested(schema: Schema, path: str) -> list[tuple[str, str]]:
    """Return (reference, path) for each model this value holds directly or in a list."""
    if "$ref" in schema:
        return [(schema["$ref"], path)]
    found = []
    for option in schema.get("anyOf", []):
        found += _nested(option, path)
    if "items" in schema:
        found += _nested(schema["items"], f"{path}[]")
    return found


def _written(value: object) -> str:
    """Return `value` as it is written in YAML, in backticks."""
    return f"`{value}`" if isinstance(value, str) and value else f"`{json.dumps(value)}`"


def _table(schema: Schema, paths: dict[str, str]) -> list[str]:
    lines = ["| field | type | when left out | meaning |", "| --- | --- | --- | --- |"]
    required = schema.get("required", [])
    for name, field in schema["properties"].items():
        default = "required" if name in required else _written(field.get("default"))
        cells = [f"`{name}`", _kind(field, paths), default, field.get("description", "")]
        lines.append("| " + " | ".join(cell.replace("|", r"\|") for cell in cells) + " |")
    return lines


def render(model: type[BaseModel]) -> str:
    """Return the field reference of `model`: a table for the file, then one per part."""
    root = model.model_json_schema()
    parts = {f"#/$defs/{name}": schema for name, schema in root.get("$defs", {}).items()}
    paths: dict[str, str] = {}
    queue: list[tuple[str, Schema]] = [("", root)]
    lines: list[str] = []
    while queue:
        path, schema = queue.pop(0)
        for name, field in schema["properties"].items():
            for reference, inner in _nested(field, f"{path}.{name}" if path else name):
                if reference not in paths:
                    paths[reference] = inner
                    queue.append((inner, parts[reference]))
        heading = f"`{path}`" if path else "The file"
        lines += [f"### {heading}", "", *_table(schema, paths), ""]
    return "\n".join(lines)


def refreshed(text: str) -> str:
    """Return `text` (a SCHEMA.md) with each generated block rendered again from its model."""

    def again(block: re.Match[str]) -> str:
        module, _, name = block["model"].rpartition(".")
        model = getattr(import_module(module), name)
        return f"{block['begin']}\n{render(model)}\n{block['end']}"

    return BLOCK.sub(again, text)


def schema_files() -> list[Path]:
    return sorted(ROOT.glob("*/**/SCHEMA.md"))


def main() -> None:
    for path in schema_files():
        text = path.read_text(encoding="utf-8")
        fresh = refreshed(text)
        if fresh != text:
            path.write_text(fresh, encoding="utf-8")
            print(f"Rewrote the field reference in {path.relative_to(ROOT.parent)}")


if __name__ == "__main__":
    main()
