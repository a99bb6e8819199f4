"""The built-in practice files (`library/*.yaml`): reading and validating them.

Plain Python over plain data: no ORM here. `read_library()` returns every practice or raises
`LibraryError` naming the file and the problem; the system check turns that into a failed
`tending check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

LIBRARY_DIR = Path(__file__).resolve().parent / "library"

PROCESSES = {
    "soothe-system": "Soothe system",
    "body-regulation": "Body regulation",
    "attention-training": "Attention training",
    "distress-tolerance": "Distress tolerance",
    "safeness": "Safeness",
    "compassion-flowing-in": "Compassion flowing in",
    "compassion-flowing-out": "Compassion flowing out",
    "self-compassion": "Self-compassion",
    "compassionate-self": "Compassionate self",
    "compassionate-understanding": "Compassionate understanding",
    "self-criticism": "Working with self-criticism",
    "emotion-awareness": "Emotion awareness",
}
ASPECTS = {
    "motivation": "Motivation and presence",
    "wisdom": "Wisdom",
    "awareness": "Awareness",
    "capacities": "Capacities",
}
LAYERS = {
    1: "Therapeutic relationship",
    2: "Compassionate understanding",
    3: "Mindful awareness",
    4: "Compassion practices",
}
LEVERS = {"support": "Support", "model": "Model", "shape": "Shape", "train": "Train"}
KINDS = {
    "breathing": "Breathing",
    "mindfulness": "Mindfulness",
    "imagery": "Imagery",
    "writing": "Writing",
    "reflection": "Reflection",
}
PLAYERS = {"steps": "Guided steps", "pacer": "Breathing pacer", "timer": "Meditation timer"}
FIELDS = {
    "key",
    "version",
    "title",
    "summary",
    "layer",
    "processes",
    "aspects",
    "lever",
    "kind",
    "minutes",
    "player",
    "steps",
    "cautions",
    "alternatives",
    "sources",
}
KEY_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class LibraryError(Exception):
    """A practice file is broken; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Step:
    text: str
    seconds: int | None = None


@dataclass(frozen=True)
class PracticeDefinition:
    key: str
    version: int
    title: str
    summary: str
    layer: int
    processes: tuple[str, ...]
    aspects: tuple[str, ...]
    lever: str
    kind: str
    minutes: int
    player: str
    steps: tuple[Step, ...]
    cautions: tuple[str, ...]
    alternatives: tuple[str, ...]
    sources: tuple[str, ...]


def _texts(value: Any, name: str, *, minimum: int = 0) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{name} must be a list of non-empty texts")
    if len(value) < minimum:
        raise ValueError(f"{name} needs at least {minimum} entr{'y' if minimum == 1 else 'ies'}")
    return tuple(v.strip() for v in value)


def _choices(value: Any, name: str, allowed: dict[str, str]) -> tuple[str, ...]:
    items = _texts(value, name, minimum=1)
    unknown = sorted(set(items) - set(allowed))
    if unknown:
        raise ValueError(f"{name} has unknown values {unknown}; use {sorted(allowed)}")
    return items


def _whole(value: Any, name: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}")
    return value


def _text(value: Any, name: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
        raise ValueError(f"{name} must be text of 1 to {limit} characters")
    return value.strip()


def _steps(value: Any) -> tuple[Step, ...]:
    if not isinstance(value, list) or not 1 <= len(value) <= 12:
        raise ValueError("steps must be a list of 1 to 12 steps")
    steps = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict) or not set(item) <= {"text", "seconds"}:
            raise ValueError(f"step {number} must have text and, optionally, seconds")
        seconds = item.get("seconds")
        if seconds is not None:
            _whole(seconds, f"step {number} seconds", 5, 600)
        steps.append(
            Step(text=_text(item.get("text"), f"step {number} text", 600), seconds=seconds)
        )
    return tuple(steps)


def parse_definition(data: Any) -> PracticeDefinition:
    """Return the practice described by `data` (parsed YAML); raise ValueError if invalid."""
    if not isinstance(data, dict):
        raise ValueError("the file must hold a mapping of fields")
    if set(data) != FIELDS:
        missing, extra = sorted(FIELDS - set(data)), sorted(set(data) - FIELDS)
        raise ValueError(f"fields missing {missing}, unexpected {extra}")
    key = data["key"]
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise ValueError("key must be lower-case letters, digits and hyphens")
    for name, allowed in (("lever", LEVERS), ("kind", KINDS), ("player", PLAYERS)):
        if data[name] not in allowed:
            raise ValueError(f"{name} must be one of {sorted(allowed)}")
    if data["layer"] not in LAYERS:
        raise ValueError("layer must be 1, 2, 3 or 4")
    return PracticeDefinition(
        key=key,
        version=_whole(data["version"], "version", 1, 10_000),
        title=_text(data["title"], "title", 80),
        summary=_text(data["summary"], "summary", 300),
        layer=data["layer"],
        processes=_choices(data["processes"], "processes", PROCESSES),
        aspects=_choices(data["aspects"], "aspects", ASPECTS),
        lever=data["lever"],
        kind=data["kind"],
        minutes=_whole(data["minutes"], "minutes", 1, 60),
        player=data["player"],
        steps=_steps(data["steps"]),
        cautions=_texts(data["cautions"] or [], "cautions"),
        alternatives=_texts(data["alternatives"] or [], "alternatives"),
        sources=_texts(data["sources"], "sources", minimum=1),
    )


def read_library(directory: Path = LIBRARY_DIR) -> dict[str, PracticeDefinition]:
    """Return every built-in practice by key, or raise LibraryError for the first broken file."""
    practices: dict[str, PracticeDefinition] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            definition = parse_definition(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (ValueError, yaml.YAMLError) as error:
            raise LibraryError(f"{path.name}: {error}") from None
        if definition.key != path.stem:
            raise LibraryError(f"{path.name}: key {definition.key!r} must match the file name")
        practices[definition.key] = definition
    for definition in practices.values():
        missing = sorted(set(definition.alternatives) - set(practices))
        if missing or definition.key in definition.alternatives:
            raise LibraryError(
                f"{definition.key}.yaml: alternatives must name other practices; unknown {missing}"
            )
    return practices
