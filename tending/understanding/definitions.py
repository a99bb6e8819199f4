"""The "not my fault" modules (`modules/*.yaml`): reading and validating them.

Plain Python over plain data: no ORM here. `read_modules()` returns every module in reading
order or raises `ModuleError` naming the file and the problem; the system check in `checks.py`
turns that into a failed `tending check`. `SCHEMA.md` beside the files describes each field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tending.practices.library import LAYERS, LEVERS, PROCESSES

MODULES_DIR = Path(__file__).resolve().parent / "modules"
FIELDS = {
    "key",
    "version",
    "position",
    "title",
    "summary",
    "minutes",
    "layer",
    "processes",
    "lever",
    "sections",
    "prompts",
    "sources",
}
KEY_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Every module closes with these two questions, in these words (the brief for issue 7), plus
# one question of its own.
SHARED_PROMPTS = {
    "makes-sense": "Does it make sense that you would struggle with this, given all of that?",
    "what-might-help": "Given that, what might help?",
}
# Phone-sized reading: short sections of short paragraphs.
MAX_SECTIONS = 8
MAX_PARAGRAPHS = 4
MAX_PARAGRAPH = 420


class ModuleError(Exception):
    """A module file is broken; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Prompt:
    key: str
    text: str


@dataclass(frozen=True)
class ModuleDefinition:
    key: str
    version: int
    position: int
    title: str
    summary: str
    minutes: int
    layer: int
    processes: tuple[str, ...]
    lever: str
    sections: tuple[Section, ...]
    prompts: tuple[Prompt, ...]
    sources: tuple[str, ...]

    @property
    def layer_label(self) -> str:
        return LAYERS[self.layer]

    @property
    def process_labels(self) -> list[str]:
        return [PROCESSES[p] for p in self.processes]

    @property
    def lever_label(self) -> str:
        return LEVERS[self.lever]


def _text(value: Any, name: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
        raise ValueError(f"{name} must be text of 1 to {limit} characters")
    return " ".join(value.split())


def _whole(value: Any, name: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}")
    return value


def _list(value: Any, name: str, low: int, high: int) -> list[Any]:
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise ValueError(f"{name} must be a list of {low} to {high} entries")
    return value


def _sections(value: Any) -> tuple[Section, ...]:
    sections = []
    for number, item in enumerate(_list(value, "sections", 2, MAX_SECTIONS), start=1):
        if not isinstance(item, dict) or set(item) != {"heading", "paragraphs"}:
            raise ValueError(f"section {number} must have a heading and paragraphs")
        paragraphs = _list(item["paragraphs"], f"section {number} paragraphs", 1, MAX_PARAGRAPHS)
        sections.append(
            Section(
                heading=_text(item["heading"], f"section {number} heading", 80),
                paragraphs=tuple(
                    _text(p, f"section {number} paragraph", MAX_PARAGRAPH) for p in paragraphs
                ),
            )
        )
    return tuple(sections)


def _prompts(value: Any) -> tuple[Prompt, ...]:
    prompts = []
    for number, item in enumerate(_list(value, "prompts", 3, 3), start=1):
        if not isinstance(item, dict) or set(item) != {"key", "text"}:
            raise ValueError(f"prompt {number} must have a key and a text")
        key = item["key"]
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            raise ValueError(f"prompt {number} key must be lower-case letters and hyphens")
        prompts.append(Prompt(key=key, text=_text(item["text"], f"prompt {number} text", 200)))
    keys = [prompt.key for prompt in prompts]
    if len(set(keys)) != len(keys):
        raise ValueError("prompt keys must be different from each other")
    texts = {prompt.key: prompt.text for prompt in prompts}
    for key, text in SHARED_PROMPTS.items():
        if texts.get(key) != text:
            raise ValueError(f"prompts must include {key!r} worded exactly: {text}")
    return tuple(prompts)


def parse_module(data: Any) -> ModuleDefinition:
    """Return the module described by `data` (parsed YAML); raise ValueError if invalid."""
    if not isinstance(data, dict):
        raise ValueError("the file must hold a mapping of fields")
    if set(data) != FIELDS:
        missing, extra = sorted(FIELDS - set(data)), sorted(set(data) - FIELDS)
        raise ValueError(f"fields missing {missing}, unexpected {extra}")
    key = data["key"]
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise ValueError("key must be lower-case letters, digits and hyphens")
    if data["layer"] not in LAYERS:
        raise ValueError(f"layer must be one of {sorted(LAYERS)}")
    if data["lever"] not in LEVERS:
        raise ValueError(f"lever must be one of {sorted(LEVERS)}")
    processes = _list(data["processes"], "processes", 1, 4)
    unknown = sorted(set(map(str, processes)) - set(PROCESSES))
    if unknown:
        raise ValueError(f"processes has unknown values {unknown}; use {sorted(PROCESSES)}")
    return ModuleDefinition(
        key=key,
        version=_whole(data["version"], "version", 1, 10_000),
        position=_whole(data["position"], "position", 1, 100),
        title=_text(data["title"], "title", 80),
        summary=_text(data["summary"], "summary", 200),
        minutes=_whole(data["minutes"], "minutes", 1, 30),
        layer=data["layer"],
        processes=tuple(processes),
        lever=data["lever"],
        sections=_sections(data["sections"]),
        prompts=_prompts(data["prompts"]),
        sources=tuple(_text(s, "source", 300) for s in _list(data["sources"], "sources", 1, 8)),
    )


def read_modules(directory: Path | None = None) -> dict[str, ModuleDefinition]:
    """Return every module by key in reading order, or raise ModuleError for a broken file."""
    found: list[ModuleDefinition] = []
    for path in sorted((directory or MODULES_DIR).glob("*.yaml")):
        try:
            module = parse_module(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (ValueError, yaml.YAMLError) as error:
            raise ModuleError(f"{path.name}: {error}") from None
        if module.key != path.stem:
            raise ModuleError(f"{path.name}: key {module.key!r} must match the file name")
        found.append(module)
    positions = [module.position for module in found]
    if len(set(positions)) != len(positions):
        raise ModuleError("two modules have the same position; each needs its own place")
    return {module.key: module for module in sorted(found, key=lambda m: m.position)}


@cache
def all_modules() -> dict[str, ModuleDefinition]:
    """Return the built-in modules, read once per process (the files change only on deploy)."""
    return read_modules()


def module_or_none(key: str) -> ModuleDefinition | None:
    return all_modules().get(key)
