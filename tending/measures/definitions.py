"""Questionnaire definitions (`definitions/*.yaml`): the measures the scoring core works with.

Plain Python over plain data: no ORM. `definition_spec.DefinitionSpec` states the file format;
`load_definitions()` returns every measure by key as a frozen `Definition`, or raises
`DefinitionError` naming the file and the field at fault; the system check turns that into a
failed `tending check`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tending.data_files import DataFileError, read_folder
from tending.measures.definition_spec import (
    DefinitionSpec,
    Direction,
    Method,
    NormSpec,
    ReferenceSpec,
    ScoreSpec,
    Status,
    Wording,
)

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"


class DefinitionError(DataFileError):
    """A definition file is broken; the message names the file, the field and what is wrong."""


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
    method: Method
    multiplier: float
    reverse: bool
    direction: Direction
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Sourced:
    """A published value with where it came from."""

    value: float
    source: str
    status: Status


@dataclass(frozen=True)
class Reference:
    sd: float
    reliability: float
    reliability_kind: str
    sample: str
    source: str
    status: Status


@dataclass(frozen=True)
class Norm:
    mean: float
    sd: float
    sample: str
    source: str
    status: Status


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
    wording: Wording
    instructions: str | None
    recall_period: str | None
    direction: Direction
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


def _score(spec: ScoreSpec, key: str, reverse: bool, measure: DefinitionSpec) -> Score:
    return Score(
        key=key,
        title=spec.title or key,
        items=spec.item_numbers(measure.scored_numbers),
        method=spec.method,
        multiplier=spec.multiplier,
        reverse=reverse,
        direction=spec.direction or measure.direction,
        bands=tuple(Band(band.min, band.max, band.label) for band in spec.bands),
    )


def _reference(spec: ReferenceSpec | None) -> Reference | None:
    if spec is None:
        return None
    return Reference(
        spec.sd, spec.reliability, spec.reliability_kind, spec.sample, spec.source, spec.status
    )


def _norm(spec: NormSpec | None) -> Norm | None:
    return Norm(spec.mean, spec.sd, spec.sample, spec.source, spec.status) if spec else None


def _definition(spec: DefinitionSpec) -> Definition:
    """Return the `Definition` a valid file describes, defaults filled in."""
    scale, loinc, norms = spec.scale, spec.loinc, spec.norms
    total = _score(spec.total, "total", spec.total.reverse, spec) if spec.total else None
    cutoff, change = spec.cutoff, spec.reliable_change
    return Definition(
        key=spec.key,
        version=spec.version,
        title=spec.title,
        short_title=spec.short_title,
        construct=spec.construct_,
        citation=spec.citation,
        licence=spec.licence,
        wording=spec.wording,
        instructions=spec.instructions,
        recall_period=spec.recall_period,
        direction=spec.direction,
        loinc_panel=loinc.panel if loinc else None,
        loinc_total=loinc.total if loinc else None,
        scale=Scale(scale.min, scale.max, scale.labels, scale.loinc_answers),
        items=tuple(Item(i.number, i.text, i.loinc, i.reverse, i.scored) for i in spec.items),
        total=total,
        subscales=tuple(_score(s, s.key, s.reverse, spec) for s in spec.subscales),
        cutoff=Sourced(cutoff.value, cutoff.source, cutoff.status) if cutoff else None,
        reliable_change=Sourced(change.threshold, change.source, change.status) if change else None,
        reference=_reference(spec.reference),
        clinical_norm=_norm(norms.clinical) if norms else None,
        normal_norm=_norm(norms.normal) if norms else None,
        risk_items=tuple(RiskItem(r.item, r.at_least, r.high_priority_at) for r in spec.risk_items),
        notes=spec.notes,
    )


def parse_definition(data: Any) -> Definition:
    """Return the measure described by `data` (parsed YAML); raise ValueError if invalid."""
    return _definition(DefinitionSpec.model_validate(data))


def read_definitions(directory: Path = DEFINITIONS_DIR) -> dict[str, Definition]:
    """Return every definition by key, or raise DefinitionError for the first broken file."""
    specs = read_folder(directory, DefinitionSpec, DefinitionError)
    return {key: _definition(spec) for key, spec in specs.items()}


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
