"""Every rule of the questionnaire files: a broken file is refused, naming the file and field."""

from __future__ import annotations

import pytest
import yaml

from tending.measures import definitions
from tending.measures.definitions import DefinitionError, parse_definition, read_definitions


def broken(tmp_path, key, change):
    """Return the error for the shipped file `key` after `change(data)`, read on its own."""
    data = yaml.safe_load((definitions.DEFINITIONS_DIR / f"{key}.yaml").read_text())
    change(data)
    (tmp_path / f"{key}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DefinitionError) as error:
        read_definitions(tmp_path)
    return str(error.value)


def norm(**changes):
    return {"mean": 19.7, "sd": 7.7, "sample": "clinic", "source": "B3.3", "status": "S"} | changes


PHQ9 = [
    (lambda d: d.update(key="PHQ9"), "key: String should match pattern"),
    (lambda d: d.update(key="phq-9"), "key: 'phq-9' must match the file name"),
    (lambda d: d.update(version=0), "version: Input should be greater than or equal to 1"),
    (lambda d: d.update(version="1"), "version: Input should be a valid integer"),
    (lambda d: d.update(title=""), "title: String should have at least 1 character"),
    (lambda d: d.pop("citation"), "citation: Field required"),
    (lambda d: d.update(licence=None), "licence: Input should be a valid string"),
    (lambda d: d.update(instructions=5), "instructions: Input should be a valid string"),
    (lambda d: d.update(notes=None), "notes: Input should be a valid string"),
    (lambda d: d.update(direction="up"), "direction: Input should be 'lower_is_better' or"),
    (lambda d: d.update(wording="some"), "wording: Input should be 'included' or 'scoring_only'"),
    (lambda d: d.update(scoring="sum"), "scoring: is not a field here; check its spelling"),
    (lambda d: d["loinc"].update(panel=44249), "loinc.panel: Input should be a valid string"),
    (lambda d: d["scale"].update(max=0), "scale.max: must be above min 0"),
    (lambda d: d["scale"].update(min="0"), "scale.min: Input should be a valid integer"),
    (lambda d: d["scale"]["labels"].pop(), "scale.labels: needs one label per answer: 4"),
    (lambda d: d["scale"]["loinc_answers"].pop(), "scale.loinc_answers: needs one code per"),
    (lambda d: d.update(items=[]), "items: has 0 entries; at least 1 needed"),
    (lambda d: d["items"][3].update(number=5), "items[3].number: must be 4, in order"),
    (lambda d: d["items"][2].update(text=None), "items[2].text: is missing, but wording is"),
    (lambda d: d["items"][0].update(reverse="no"), "items[0].reverse: Input should be a valid"),
    (lambda d: d["items"][0].update(score=1), "items[0].score: is not a field here"),
    (lambda d: d.update(total=None), "total: a measure needs a total or at least one subscale"),
    (lambda d: d["total"].update(items=[1, 10]), "total.items: must list scored items"),
    (lambda d: d["total"].update(items=[]), "total.items: must list scored items"),
    (lambda d: d["total"].update(items=[1, 1]), "total.items: lists an item twice"),
    (lambda d: d["total"].update(items="most"), "total.items: must be all or a list of numbers"),
    (lambda d: d["total"].update(items=[1, "2"]), "total.items: must be all or a list of numbers"),
    (lambda d: d["total"].update(method="median"), "total.method: Input should be 'sum' or"),
    (lambda d: d["total"].update(direction="up"), "total.direction: Input should be"),
    (lambda d: d["total"].update(multiplier=0), "total.multiplier: Input should be greater"),
    (lambda d: d["total"]["bands"][0].update(max=-1), "total.bands[0].max: -1 is below min 0"),
    (lambda d: d["total"]["bands"][0].update(label=""), "total.bands[0].label: String should"),
    (lambda d: d["total"]["bands"][0].update(status="X"), "total.bands[0].status: Input should"),
    (
        lambda d: d["total"]["bands"][1].update(min=3),
        "total.bands[1].min: 3 must be above the max of the band before it (4)",
    ),
    (lambda d: d["total"]["bands"][1].update(min=4), "total.bands[1].min: 4 must be above the"),
    (lambda d: d["total"]["bands"].reverse(), "total.bands[1].min: 15 must be above the max"),
    (lambda d: d["cutoff"].update(status="X"), "cutoff.status: Input should be 'V', 'S' or 'U'"),
    (lambda d: d["cutoff"].pop("source"), "cutoff.source: Field required"),
    (lambda d: d["cutoff"].pop("value"), "cutoff.value: Field required"),
    (lambda d: d["reliable_change"].update(threshold=0), "reliable_change.threshold: Input should"),
    (lambda d: d["reliable_change"].update(source=""), "reliable_change.source: String should"),
    (lambda d: d["reference"].update(reliability=1), "reference.reliability: Input should be less"),
    (lambda d: d["reference"].update(reliability=0), "reference.reliability: Input should be"),
    (lambda d: d["reference"].update(sd=0), "reference.sd: Input should be greater than 0"),
    (lambda d: d["reference"].update(status=None), "reference.status: Input should be 'V',"),
    (lambda d: d["reference"].update(reliability_kind="omega"), "reference.reliability_kind: "),
    (lambda d: d["reference"].pop("sample"), "reference.sample: Field required"),
    (lambda d: d.update(norms={"clinical": norm(sd=0)}), "norms.clinical.sd: Input should be"),
    (lambda d: d.update(norms={"normal": norm(status="?")}), "norms.normal.status: Input should"),
    (lambda d: d.update(norms={"clinical": norm(mean=None)}), "norms.clinical.mean: Input should"),
    (lambda d: d.update(norms={"clinical": norm(source="")}), "norms.clinical.source: String"),
    (lambda d: d["risk_items"][0].update(item=10), "risk_items[0].item: is not an item of the"),
    (
        lambda d: d["risk_items"].append(d["risk_items"][0]),
        "risk_items[1].item: already has a risk rule",
    ),
    (lambda d: d["risk_items"][0].update(at_least=0), "risk_items[0].at_least: must be above 0"),
    (
        lambda d: d["risk_items"][0].update(at_least=4),
        "risk_items[0].at_least: must be above 0, at",
    ),
    (
        lambda d: d["risk_items"][0].update(high_priority_at=0),
        "risk_items[0].high_priority_at: must be from at_least (1) to 3",
    ),
    (
        lambda d: d["risk_items"][0].update(high_priority_at=4),
        "risk_items[0].high_priority_at: must",
    ),
    (lambda d: d["risk_items"][0].update(at_least=True), "risk_items[0].at_least: Input should"),
    (
        lambda d: d["risk_items"][0].update(high_priority_at="2"),
        "risk_items[0].high_priority_at: Input should be a valid integer",
    ),
]

OTHERS = [
    ("oas2", lambda d: d["items"][0].update(text="Hello"), "items[0].text: must be null: wording"),
    ("gad7", lambda d: d["total"].update(items=[1, 8]), "total.items: must list scored items"),
    (
        "dass21",
        lambda d: [s.update(key="mood") for s in d["subscales"]],
        "subscales[1].key: 'mood' is used twice",
    ),
    ("dass21", lambda d: d["subscales"][0].update(key="Mood"), "subscales[0].key: String should"),
    ("dass21", lambda d: d["subscales"][0].pop("method"), "subscales[0].method: Field required"),
    ("dass21", lambda d: d["subscales"][2].update(items=[21, 22]), "subscales[2].items: must"),
    ("dass21", lambda d: d["subscales"][0].update(reverse=1), "subscales[0].reverse: Input"),
    ("ceas-self", lambda d: d["subscales"][0].update(items=[1, 3]), "subscales[0].items: must"),
    ("ceas-self", lambda d: d.update(subscales=[]), "total: a measure needs a total or at least"),
]


@pytest.mark.parametrize(("change", "message"), PHQ9)
def test_a_broken_phq9_file_names_the_file_and_the_field(tmp_path, change, message):
    assert f"phq9.yaml: {message}" in broken(tmp_path, "phq9", change)


@pytest.mark.parametrize(("key", "change", "message"), OTHERS)
def test_a_broken_file_names_the_file_and_the_field(tmp_path, key, change, message):
    assert f"{key}.yaml: {message}" in broken(tmp_path, key, change)


def test_every_problem_in_the_file_is_listed_on_its_own_line(tmp_path):
    def two_problems(data):
        data["title"] = ""
        data["items"][0]["scored"] = "yes"

    assert broken(tmp_path, "phq9", two_problems).splitlines() == [
        "phq9.yaml: title: String should have at least 1 character",
        "phq9.yaml: items[0].scored: Input should be a valid boolean",
    ]


def minimal(**extra):
    """A measure with only the fields a file must have."""
    data = {
        "key": "example",
        "version": 1,
        "title": "Example",
        "short_title": "Ex",
        "citation": "-",
        "licence": "-",
        "wording": "scoring_only",
        "direction": "higher_is_better",
        "scale": {"min": 1, "max": 3, "labels": ["Never", None, "Always"]},
        "items": [{"number": 1}, {"number": 2, "scored": False}, {"number": 3, "reverse": True}],
    }
    return parse_definition(data | extra)


def test_a_total_defaults_to_every_scored_item_reversed_where_keyed():
    total = minimal(total={"method": "sum"}).total
    assert (total.key, total.title, total.items, total.multiplier) == ("total", "total", (1, 3), 1)
    assert (total.reverse, total.direction, total.bands) == (True, "higher_is_better", ())


def test_a_subscale_defaults_to_its_key_as_title_unreversed_in_the_measure_direction():
    (subscale,) = minimal(subscales=[{"key": "calm", "method": "mean", "items": [3]}]).subscales
    assert (subscale.title, subscale.items, subscale.reverse) == ("calm", (3,), False)
    assert subscale.direction == "higher_is_better"


def test_optional_facts_are_none_and_text_fields_empty_when_left_out():
    definition = minimal(total={"method": "sum"})
    assert definition.scale.labels == ("Never", None, "Always")
    assert (definition.construct, definition.notes, definition.instructions) == ("", "", None)
    assert (definition.loinc_panel, definition.cutoff, definition.reference) == (None, None, None)
    assert (definition.clinical_norm, definition.risk_items) == (None, ())


def test_a_risk_rule_may_name_an_unscored_item():
    rule = {"item": 2, "at_least": 2}
    (risk,) = minimal(total={"method": "sum"}, risk_items=[rule]).risk_items
    assert (risk.item, risk.at_least, risk.high_priority_at) == (2, 2, None)


def test_data_that_is_not_a_mapping_is_refused():
    with pytest.raises(ValueError, match="valid dictionary"):
        parse_definition(["key", "phq9"])
