"""The format of a questionnaire definition file (`definitions/*.yaml`), as pydantic models.

`DefinitionSpec` states every rule a file must keep; `definitions.py` reads the files with it
and turns each into the frozen `Definition` the scoring core uses. `SCHEMA.md` shows the
fields, generated from the descriptions here.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Literal, Self

from pydantic import (
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from tending.data_files import DataFile, DataModel, Key, ListOf, Loc, Text, invalid_at

Direction = Literal["lower_is_better", "higher_is_better"]
Method = Literal["sum", "mean"]
# How sure the clinical fact sheet is: verified, supported by a secondary source, unverified.
Status = Literal["V", "S", "U"]
Wording = Literal["included", "scoring_only"]
Positive = Annotated[float, Field(gt=0)]


def _all_or_numbers(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    try:
        return handler(value)
    except ValidationError:
        # One message instead of one per type of the union.
        raise PydanticCustomError("all_or_numbers", "must be all or a list of numbers") from None


class BandSpec(DataModel):
    min: float = Field(description="The lowest final score in the band.")
    max: float = Field(description="The highest final score in the band; not below `min`.")
    label: Text = Field(description="The band's name, shown with the score.")
    status: Status | None = Field(None, description="How sure the fact sheet is of the band.")

    @model_validator(mode="after")
    def _max_not_below_min(self) -> Self:
        if self.max < self.min:
            raise invalid_at(("max",), f"{self.max:g} is below min {self.min:g}")
        return self


class ScoreSpec(DataModel):
    title: Text | None = Field(None, description="Shown with the score; the key when left out.")
    items: Annotated[Literal["all"] | ListOf[int], WrapValidator(_all_or_numbers)] = Field(
        "all",
        description="`all` (every scored item) or a list of the numbers of scored items, "
        "each once.",
    )
    method: Method = Field(description="How the answers make the score.")
    multiplier: Positive = Field(1, description="The sum or mean is multiplied by this.")
    direction: Direction | None = Field(
        None, description="Which way is better for this score; the measure's when left out."
    )
    bands: ListOf[BandSpec] = Field(
        (),
        description="Named ranges of the final (multiplied) score, inclusive, rising and "
        "not overlapping; may be empty.",
    )

    @model_validator(mode="after")
    def _bands_rise_without_overlap(self) -> Self:
        for number in range(1, len(self.bands)):
            before, band = self.bands[number - 1], self.bands[number]
            if band.min <= before.max:
                raise invalid_at(
                    ("bands", number, "min"),
                    f"{band.min:g} must be above the max of the band before it ({before.max:g})",
                )
        return self

    def item_numbers(self, scored: Collection[int]) -> tuple[int, ...]:
        """Return the numbers of the items this score adds up, given the scored items."""
        return tuple(sorted(scored)) if self.items == "all" else self.items


class TotalSpec(ScoreSpec):
    reverse: bool = Field(True, description="Reverse the reverse-keyed items in this score.")


class SubscaleSpec(ScoreSpec):
    reverse: bool = Field(False, description="Reverse the reverse-keyed items in this score.")
    key: Key = Field(description="Names the subscale in scores and exports; each once.")


class ItemSpec(DataModel):
    number: int = Field(description="The item's place in the official order: 1, 2, 3…")
    text: Text | None = Field(
        None, description="The official wording; null when the measure's wording is scoring_only."
    )
    loinc: Text | None = Field(None, description="The item's LOINC code, if it has one.")
    reverse: bool = Field(False, description="Scored as min + max - answer (reverse-keyed).")
    scored: bool = Field(True, description="false for a filler item no score counts.")


class ScaleSpec(DataModel):
    min: int = Field(description="The lowest answer.")
    max: int = Field(description="The highest answer; above `min`.")
    labels: ListOf[Text | None] = Field(
        description="One label per answer from min to max; null where the source names none."
    )
    loinc_answers: ListOf[Text] | None = Field(
        None, description="One LOINC answer code per answer, or null."
    )

    @model_validator(mode="after")
    def _one_label_per_answer(self) -> Self:
        if self.max <= self.min:
            raise invalid_at(("max",), f"must be above min {self.min}")
        answers = self.max - self.min + 1
        if len(self.labels) != answers:
            raise invalid_at(("labels",), f"needs one label per answer: {answers}")
        if self.loinc_answers is not None and len(self.loinc_answers) != answers:
            raise invalid_at(("loinc_answers",), f"needs one code per answer: {answers}")
        return self


class SourcedSpec(DataModel):
    source: Text = Field(description="Where the value comes from.")
    status: Status = Field(description="How sure the fact sheet is of it.")


class CutoffSpec(SourcedSpec):
    value: float = Field(
        description="A total at or past it (at or above when lower is better) is a case."
    )


class ReliableChangeSpec(SourcedSpec):
    threshold: Positive = Field(description="A change of at least this many points is reliable.")


class ReferenceSpec(SourcedSpec):
    sd: Positive = Field(description="The standard deviation in the named sample.")
    reliability: Annotated[float, Field(gt=0, lt=1)] = Field(
        description="Its reliability in that sample."
    )
    reliability_kind: Literal["alpha", "test_retest"] = Field(
        description="Which reliability: Cronbach's alpha or test-retest."
    )
    sample: Text = Field(description="The sample the values come from.")


class NormSpec(SourcedSpec):
    mean: float = Field(description="The mean total of the population.")
    sd: Positive = Field(description="Its standard deviation.")
    sample: Text = Field(description="The sample the values come from.")


class NormsSpec(DataModel):
    clinical: NormSpec | None = Field(None, description="A clinical population.")
    normal: NormSpec | None = Field(None, description="A general (non-clinical) population.")


class LoincSpec(DataModel):
    panel: Text | None = Field(None, description="The LOINC code of the whole questionnaire.")
    total: Text | None = Field(None, description="The LOINC code of its total score.")


class RiskItemSpec(DataModel):
    item: int = Field(description="The number of an item of the measure; each once.")
    at_least: int = Field(
        description="An answer at or above this raises a risk alert; above the scale's min, "
        "at most its max."
    )
    high_priority_at: int | None = Field(
        None,
        description="An answer at or above this makes the alert high priority; from "
        "at_least to the scale's max.",
    )
    source: Text | None = Field(None, description="Where the rule comes from.")


class DefinitionSpec(DataFile):
    version: Annotated[int, Field(ge=1)] = Field(
        description="Raise it whenever scoring, bands or wording change; every score keeps "
        "the version it was computed with."
    )
    title: Text = Field(description="The measure's full name.")
    short_title: Text = Field(description="Its usual abbreviation.")
    # pydantic models have a `construct` method: the field has another name in Python.
    construct_: Text = Field("", alias="construct", description="What it measures, in a few words.")
    citation: Text = Field(description="The publication that introduced it.")
    licence: Text = Field(description="Its licence, as its source states it.")
    wording: Wording = Field(
        description='included: the item texts ship; scoring_only: items show as "Item N" '
        "until an organisation imports a licensed wording."
    )
    instructions: Text | None = Field(None, description="The official stem, or null.")
    recall_period: Text | None = Field(None, description='Such as "the last 2 weeks", or null.')
    direction: Direction = Field(
        description="Which way is better, for the total and by default the subscales."
    )
    loinc: LoincSpec | None = Field(None, description="LOINC codes, or null.")
    scale: ScaleSpec = Field(description="The answer scale every item uses.")
    items: ListOf[ItemSpec] = Field(min_length=1, description="The items, in the official order.")
    total: TotalSpec | None = Field(None, description="How to score the total, or null.")
    subscales: ListOf[SubscaleSpec] = Field(
        (), description="How to score each subscale; a measure needs a total or a subscale."
    )
    cutoff: CutoffSpec | None = Field(None, description="The caseness cut-off of the total.")
    reliable_change: ReliableChangeSpec | None = Field(
        None, description="A published reliable-change threshold for the total."
    )
    reference: ReferenceSpec | None = Field(
        None, description="Values for computing a Jacobson & Truax reliable change index."
    )
    norms: NormsSpec | None = Field(None, description="For clinically significant change.")
    risk_items: ListOf[RiskItemSpec] = Field((), description="The items that signal risk.")
    notes: str = Field("", description="Anything unverified, and how the file treats it.")

    @property
    def scored_numbers(self) -> set[int]:
        return {item.number for item in self.items if item.scored}

    @model_validator(mode="after")
    def _items_numbered_in_order(self) -> Self:
        for number, item in enumerate(self.items, start=1):
            if item.number != number:
                raise invalid_at(("items", number - 1, "number"), f"must be {number}, in order")
        return self

    @model_validator(mode="after")
    def _text_follows_wording(self) -> Self:
        for place, item in enumerate(self.items):
            if self.wording == "included" and item.text is None:
                raise invalid_at(("items", place, "text"), "is missing, but wording is included")
            if self.wording == "scoring_only" and item.text is not None:
                raise invalid_at(("items", place, "text"), "must be null: wording is scoring_only")
        return self

    @model_validator(mode="after")
    def _scores_count_scored_items(self) -> Self:
        if self.total is None and not self.subscales:
            raise invalid_at(("total",), "a measure needs a total or at least one subscale")
        scores: list[tuple[Loc, ScoreSpec]] = [(("total",), self.total)] if self.total else []
        scores += [(("subscales", place), score) for place, score in enumerate(self.subscales)]
        for where, score in scores:
            numbers = score.item_numbers(self.scored_numbers)
            if not numbers or not set(numbers) <= self.scored_numbers:
                raise invalid_at((*where, "items"), "must list scored items of the measure")
            if len(set(numbers)) != len(numbers):
                raise invalid_at((*where, "items"), "lists an item twice")
        return self

    @model_validator(mode="after")
    def _one_key_per_subscale(self) -> Self:
        keys = [subscale.key for subscale in self.subscales]
        for place, key in enumerate(keys):
            if key in keys[:place]:
                raise invalid_at(("subscales", place, "key"), f"{key!r} is used twice")
        return self

    @model_validator(mode="after")
    def _risk_items_fit_the_scale(self) -> Self:
        low, high = self.scale.min, self.scale.max
        for place, rule in enumerate(self.risk_items):
            if rule.item not in {item.number for item in self.items}:
                raise invalid_at(("risk_items", place, "item"), "is not an item of the measure")
            if rule.item in [other.item for other in self.risk_items[:place]]:
                raise invalid_at(("risk_items", place, "item"), "already has a risk rule")
            if not low < rule.at_least <= high:
                raise invalid_at(
                    ("risk_items", place, "at_least"), f"must be above {low}, at most {high}"
                )
            if rule.high_priority_at is not None and not (
                rule.at_least <= rule.high_priority_at <= high
            ):
                raise invalid_at(
                    ("risk_items", place, "high_priority_at"),
                    f"must be from at_least ({rule.at_least}) to {high}",
                )
        return self
