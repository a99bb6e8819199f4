"""Questionnaire definitions (`definitions/*.yaml`): reading and validating them.

Plain Python over plain data: no ORM. `load_definitions()` returns every measure by key or
raises `DefinitionError` naming the file and the problem; the system check turns that into a
failed `tending check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
KEY_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DIRECTIONS = {"lower_is_better", "higher_is_better"}
METHODS = {"sum", "mean"}
STATUSES = {"V", "S", "U"}


class DefinitionError(Exception):
    """A definition file is broken; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    label: str


@dataclass(frozen=True)
class Item:
    number: int
    text: str | None
    loinc: str | None
    reverse: bool
    scored: bool


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: tuple[str | None, ...]  # None where the source gives no label for that answer
    loinc_answers: tuple[str, ...] | None


@dataclass(frozen=True)
class Score:
    """How to score the total or one subscale."""

    key: str
    title: str
    items: tuple[int, ...]
    method: str
    multiplier: float
    reverse: bool
    direction: str
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Sourced:
    """A published value with where it came from."""

    value: float
    source: str
    status: str


@dataclass(frozen=True)
class Reference:
    sd: float
    reliability: float
    reliability_kind: str
    sample: str
    source: str
    status: str


@dataclass(frozen=True)
class Norm:
    mean: float
    sd: float
    sample: str
    source: str
    status: str


@dataclass(frozen=True)
class RiskItem:
    item: int
    at_least: int
    high_priority_at: int | None


@dataclass(frozen=True)
class Definition:
    key: str
    version: int
    title: str
    short_title: str
    construct: str
    citation: str
    licence: str
    wording: str
    instructions: str | None
    recall_period: str | None
    direction: str
    loinc_panel: str | None
    loinc_total: str | None
    scale: Scale
    items: tuple[Item, ...]
    total: Score | None
    subscales: tuple[Score, ...]
    cutoff: Sourced | None
    reliable_change: Sourced | None
    reference: Reference | None
    clinical_norm: Norm | None
    normal_norm: Norm | None
    risk_items: tuple[RiskItem, ...]
    notes: str

    @property
    def item_count(self) -> int:
        return len(self.items)

    @property
    def includes_wording(self) -> bool:
        return self.wording == "included"


def _need(data: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError(f"{name} is missing or not a {getattr(kind, '__name__', kind)}")
    return value


def _optional_text(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name} must be text or null")
    return value


def _bands(raw: Any, where: str) -> tuple[Band, ...]:
    bands = []
    for band in raw or []:
        low, high, label = band.get("min"), band.get("max"), band.get("label")
        if not isinstance(low, int | float) or not isinstance(high, int | float) or low > high:
            raise ValueError(f"{where} has a band without a valid min and max")
        if not isinstance(label, str) or not label:
            raise ValueError(f"{where} has a band without a label")
        bands.append(Band(float(low), float(high), label))
    for before, after in pairwise(bands):
        if after.low <= before.high:
            raise ValueError(f"{where} bands overlap or are out of order")
    return tuple(bands)


def _score(raw: dict[str, Any], key: str, item_numbers: set[int], direction: str) -> Score:
    items = raw.get("items", "all")
    numbers = tuple(sorted(item_numbers)) if items == "all" else tuple(items)
    if not numbers or not set(numbers) <= item_numbers or len(set(numbers)) != len(numbers):
        raise ValueError(f"{key} lists items that are not scored items of the measure")
    method = raw.get("method")
    if method not in METHODS:
        raise ValueError(f"{key} method must be sum or mean")
    own_direction = raw.get("direction", direction)
    if own_direction not in DIRECTIONS:
        raise ValueError(f"{key} direction must be lower_is_better or higher_is_better")
    return Score(
        key=key,
        title=str(raw.get("title", key)),
        items=numbers,
        method=method,
        multiplier=float(raw.get("multiplier", 1)),
        reverse=bool(raw.get("reverse", key == "total")),
        direction=own_direction,
        bands=_bands(raw.get("bands"), key),
    )


def _sourced(raw: Any, name: str, field: str) -> Sourced | None:
    if raw is None:
        return None
    if raw.get("status") not in STATUSES or not raw.get("source"):
        raise ValueError(f"{name} needs a source and a status of V, S or U")
    return Sourced(float(raw[field]), str(raw["source"]), raw["status"])


def _norm(raw: Any, name: str) -> Norm | None:
    if raw is None:
        return None
    if raw.get("status") not in STATUSES or raw.get("sd", 0) <= 0:
        raise ValueError(f"norms.{name} needs a positive sd and a status of V, S or U")
    return Norm(
        float(raw["mean"]),
        float(raw["sd"]),
        str(raw.get("sample", "")),
        str(raw.get("source", "")),
        raw["status"],
    )


def parse_definition(data: Any) -> Definition:
    """Return the measure described by `data` (parsed YAML); raise ValueError if invalid."""
    if not isinstance(data, dict):
        raise ValueError("the file must hold a mapping of fields")
    key = _need(data, "key", str)
    if not KEY_PATTERN.match(key):
        raise ValueError("key must be lower-case letters, digits and hyphens")
    direction = data.get("direction")
    if direction not in DIRECTIONS:
        raise ValueError("direction must be lower_is_better or higher_is_better")
    wording = data.get("wording")
    if wording not in {"included", "scoring_only"}:
        raise ValueError("wording must be included or scoring_only")

    raw_scale = _need(data, "scale", dict)
    low, high = _need(raw_scale, "min", int), _need(raw_scale, "max", int)
    labels = tuple(_need(raw_scale, "labels", list))
    if high <= low or len(labels) != high - low + 1:
        raise ValueError("scale needs min < max and one label per answer")
    answers = raw_scale.get("loinc_answers")
    if answers is not None and len(answers) != len(labels):
        raise ValueError("scale.loinc_answers needs one code per answer")
    scale = Scale(low, high, labels, tuple(answers) if answers else None)

    items = []
    for expected, raw_item in enumerate(_need(data, "items", list), start=1):
        if raw_item.get("number") != expected:
            raise ValueError(f"items must be numbered 1, 2, 3…; item {expected} is out of order")
        text = raw_item.get("text")
        if wording == "included" and not text:
            raise ValueError(f"item {expected} has no text, but wording is included")
        if wording == "scoring_only" and text:
            raise ValueError(f"item {expected} has text, but wording is scoring_only")
        items.append(
            Item(
                number=expected,
                text=text,
                loinc=raw_item.get("loinc"),
                reverse=bool(raw_item.get("reverse", False)),
                scored=bool(raw_item.get("scored", True)),
            )
        )
    if not items:
        raise ValueError("a measure needs items")
    scored = {item.number for item in items if item.scored}

    total = _score(data["total"], "total", scored, direction) if data.get("total") else None
    subscales = tuple(
        _score(raw, _need(raw, "key", str), scored, direction)
        for raw in data.get("subscales") or []
    )
    if total is None and not subscales:
        raise ValueError("a measure needs a total or at least one subscale")

    reference = data.get("reference")
    parsed_reference = None
    if reference is not None:
        reliability = float(reference.get("reliability", 0))
        if not 0 < reliability < 1 or float(reference.get("sd", 0)) <= 0:
            raise ValueError("reference needs 0 < reliability < 1 and a positive sd")
        if reference.get("status") not in STATUSES:
            raise ValueError("reference needs a status of V, S or U")
        parsed_reference = Reference(
            sd=float(reference["sd"]),
            reliability=reliability,
            reliability_kind=str(reference.get("reliability_kind", "")),
            sample=str(reference.get("sample", "")),
            source=str(reference.get("source", "")),
            status=reference["status"],
        )

    risk_items = []
    for raw in data.get("risk_items") or []:
        number, at_least = raw.get("item"), raw.get("at_least")
        if number not in scored and number not in {i.number for i in items}:
            raise ValueError(f"risk item {number} is not an item of the measure")
        if not isinstance(at_least, int) or not low < at_least <= high:
            raise ValueError(f"risk item {number} needs at_least within the answer scale")
        high_at = raw.get("high_priority_at")
        if high_at is not None and (
            not isinstance(high_at, int)
            or isinstance(high_at, bool)
            or not at_least <= high_at <= high
        ):
            raise ValueError(f"risk item {number} needs high_priority_at within the scale")
        risk_items.append(RiskItem(number, at_least, high_at))

    norms = data.get("norms") or {}
    loinc = data.get("loinc") or {}
    return Definition(
        key=key,
        version=_need(data, "version", int),
        title=_need(data, "title", str),
        short_title=_need(data, "short_title", str),
        construct=str(data.get("construct", "")),
        citation=_need(data, "citation", str),
        licence=_need(data, "licence", str),
        wording=wording,
        instructions=_optional_text(data, "instructions"),
        recall_period=_optional_text(data, "recall_period"),
        direction=direction,
        loinc_panel=loinc.get("panel"),
        loinc_total=loinc.get("total"),
        scale=scale,
        items=tuple(items),
        total=total,
        subscales=subscales,
        cutoff=_sourced(data.get("cutoff"), "cutoff", "value"),
        reliable_change=_sourced(data.get("reliable_change"), "reliable_change", "threshold"),
        reference=parsed_reference,
        clinical_norm=_norm(norms.get("clinical"), "clinical"),
        normal_norm=_norm(norms.get("normal"), "normal"),
        risk_items=tuple(risk_items),
        notes=str(data.get("notes") or ""),
    )


def read_definitions(directory: Path = DEFINITIONS_DIR) -> dict[str, Definition]:
    """Return every definition by key, or raise DefinitionError for the first broken file."""
    definitions: dict[str, Definition] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            definition = parse_definition(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError, KeyError, AttributeError, yaml.YAMLError) as error:
            raise DefinitionError(f"{path.name}: {error}") from None
        if definition.key != path.stem:
            raise DefinitionError(f"{path.name}: key {definition.key!r} must match the file name")
        definitions[definition.key] = definition
    return definitions


@lru_cache(maxsize=1)
def load_definitions() -> dict[str, Definition]:
    """Return the shipped definitions (read once per process)."""
    return read_definitions()


def get_definition(key: str) -> Definition:
    """Return the definition for `key`; raise KeyError with the known keys if there is none."""
    definitions = load_definitions()
    if key not in definitions:
        raise KeyError(f"unknown measure {key!r}; known: {', '.join(sorted(definitions))}")
    return definitions[key]
