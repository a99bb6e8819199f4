"""Scoring a questionnaire: plain functions over a definition and answers, no ORM.

Rules (shared/clinical-facts.md section A, "general implementation rules"):
- reversed answer = (scale min + scale max) - answer;
- a total or subscale with any missing item is not computed: it is "incomplete", never
  prorated (no official prorating rule was verified for any shipped measure);
- risk items are judged on the answer given; a missing risk item is reported as missing and
  is never imputed as 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tending.measures.definitions import Band, Definition
from tending.measures.definitions import Score as ScoreRule


class AnswerError(ValueError):
    """The answers do not fit the measure; the message says which and why."""


@dataclass(frozen=True)
class ScoreResult:
    measure: str
    version: int
    complete: bool
    total: float | None
    band: str | None
    subscales: dict[str, float | None] = field(default_factory=dict)
    subscale_bands: dict[str, str | None] = field(default_factory=dict)
    risk_items: tuple[int, ...] = ()
    high_priority_risk_items: tuple[int, ...] = ()
    missing_risk_items: tuple[int, ...] = ()

    def as_json(self) -> dict[str, object]:
        """The shape `tending score --json` prints."""
        return {
            "measure": self.measure,
            "version": self.version,
            "total": self.total,
            "subscales": self.subscales,
            "band": self.band,
            "risk_items": list(self.risk_items),
            "complete": self.complete,
        }

    @property
    def has_risk(self) -> bool:
        return bool(self.risk_items or self.missing_risk_items)


def validate_answers(
    definition: Definition, answers: Mapping[int, int | None]
) -> dict[int, int | None]:
    """Return answers keyed 1..N, each None or within the scale; raise AnswerError otherwise."""
    known = {item.number for item in definition.items}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise AnswerError(f"{definition.short_title} has no item {unknown[0]}")
    checked: dict[int, int | None] = {}
    for number in sorted(known):
        value = answers.get(number)
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int):
                raise AnswerError(f"item {number}: answers are whole numbers")
            if not definition.scale.min <= value <= definition.scale.max:
                raise AnswerError(
                    f"item {number}: {value} is outside {definition.scale.min} to "
                    f"{definition.scale.max}"
                )
        checked[number] = value
    return checked


def _value(definition: Definition, number: int, answer: int, reverse: bool) -> int:
    item = definition.items[number - 1]
    if reverse and item.reverse:
        return definition.scale.min + definition.scale.max - answer
    return answer


def _compute(
    definition: Definition, rule: ScoreRule, answers: dict[int, int | None]
) -> float | None:
    values = [answers[number] for number in rule.items]
    if any(value is None for value in values):
        return None
    scored = [
        _value(definition, n, v, rule.reverse)
        for n, v in zip(rule.items, values, strict=True)
        if v is not None
    ]
    raw = sum(scored) if rule.method == "sum" else sum(scored) / len(scored)
    result = raw * rule.multiplier
    # Sums stay whole numbers; means keep two decimals, as they are reported.
    return round(result) if rule.method == "sum" else round(result, 2)


def band_for(bands: tuple[Band, ...], score: float | None) -> str | None:
    """Return the label of the band holding `score`, or None."""
    if score is None:
        return None
    for band in bands:
        if band.low <= score <= band.high:
            return band.label
    return None


def score(definition: Definition, answers: Mapping[int, int | None]) -> ScoreResult:
    """Score `answers` (item number -> answer, None for missing) against `definition`."""
    checked = validate_answers(definition, answers)
    total = _compute(definition, definition.total, checked) if definition.total else None
    subscales = {rule.key: _compute(definition, rule, checked) for rule in definition.subscales}
    scored_items = [item.number for item in definition.items if item.scored]
    complete = all(checked[number] is not None for number in scored_items)
    risk, high, missing = [], [], []
    for rule in definition.risk_items:
        answer = checked.get(rule.item)
        if answer is None:
            missing.append(rule.item)
            continue
        if answer >= rule.at_least:
            risk.append(rule.item)
        if rule.high_priority_at is not None and answer >= rule.high_priority_at:
            high.append(rule.item)
    return ScoreResult(
        measure=definition.key,
        version=definition.version,
        complete=complete,
        total=total,
        band=band_for(definition.total.bands, total) if definition.total else None,
        subscales=subscales,
        subscale_bands={
            rule.key: band_for(rule.bands, subscales[rule.key]) for rule in definition.subscales
        },
        risk_items=tuple(risk),
        high_priority_risk_items=tuple(high),
        missing_risk_items=tuple(missing),
    )


def parse_answer_list(definition: Definition, text: str) -> dict[int, int | None]:
    """Read "1,2,0,…" (blank or '-' for a missing answer) into answers; raise AnswerError."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != definition.item_count:
        raise AnswerError(
            f"{definition.short_title} has {definition.item_count} items; got {len(parts)} answers"
        )
    answers: dict[int, int | None] = {}
    for number, part in enumerate(parts, start=1):
        if part in {"", "-"}:
            answers[number] = None
            continue
        if not (part.isascii() and part.lstrip("-").isdigit()):
            raise AnswerError(f"item {number}: {part!r} is not a whole number")
        answers[number] = int(part)
    return validate_answers(definition, answers)
