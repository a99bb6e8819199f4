"""Golden cases for every shipped measure, computed by hand from shared/clinical-facts.md A."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tending.measures.definitions import load_definitions
from tending.measures.scoring import AnswerError, parse_answer_list, score

DEFINITIONS = load_definitions()


def spread(total: int, count: int, high: int) -> dict[int, int]:
    """Answers for items 1..count that add up to `total` (filling from item 1)."""
    answers = {}
    for number in range(1, count + 1):
        answers[number] = min(high, total)
        total -= answers[number]
    assert total == 0
    return answers


def test_every_measure_the_issue_names_is_shipped():
    assert set(DEFINITIONS) == {
        "phq9",
        "gad7",
        "dass21",
        "scs",
        "scs-sf",
        "fscrs",
        "fcs-to-others",
        "fcs-from-others",
        "fcs-self",
        "ceas-self",
        "ceas-to-others",
        "ceas-from-others",
        "oas2",
    }


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Moderately severe"),
        (19, "Moderately severe"),
        (20, "Severe"),
        (27, "Severe"),
    ],
)
def test_phq9_bands_at_every_boundary(total, band):
    result = score(DEFINITIONS["phq9"], spread(total, 9, 3))
    assert (result.total, result.band, result.complete) == (total, band, True)


def test_phq9_example_from_the_design():
    definition = DEFINITIONS["phq9"]
    result = score(definition, parse_answer_list(definition, "1,2,0,3,1,0,2,1,0"))
    assert result.as_json() == {
        "measure": "phq9",
        "version": 1,
        "total": 10,
        "subscales": {},
        "band": "Moderate",
        "risk_items": [],
        "complete": True,
    }


@pytest.mark.parametrize(
    ("item9", "risk", "high"), [(0, (), ()), (1, (9,), ()), (2, (9,), (9,)), (3, (9,), (9,))]
)
def test_phq9_item_9_is_judged_on_its_own_answer(item9, risk, high):
    answers = dict.fromkeys(range(1, 9), 0) | {9: item9}
    result = score(DEFINITIONS["phq9"], answers)
    assert (result.risk_items, result.high_priority_risk_items) == (risk, high)
    assert result.total == item9  # a low total never hides a risk answer


def test_a_missing_item_gives_no_total_and_a_missing_item_9_is_never_taken_as_0():
    answers = dict.fromkeys(range(1, 10), 1) | {9: None}
    result = score(DEFINITIONS["phq9"], answers)
    assert (result.complete, result.total, result.band) == (False, None, None)
    assert result.risk_items == () and result.missing_risk_items == (9,)
    assert result.has_risk


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Severe"),
        (21, "Severe"),
    ],
)
def test_gad7_bands_at_every_boundary(total, band):
    result = score(DEFINITIONS["gad7"], spread(total, 7, 3))
    assert (result.total, result.band) == (total, band)


DASS_ITEMS = {
    "depression": [3, 5, 10, 13, 16, 17, 21],
    "anxiety": [2, 4, 7, 9, 15, 19, 20],
    "stress": [1, 6, 8, 11, 12, 14, 18],
}
DASS_BANDS = {  # on doubled scores: (raw subscale sum, band)
    "depression": [
        (4, "Normal"),
        (5, "Mild"),
        (6, "Mild"),
        (7, "Moderate"),
        (10, "Moderate"),
        (11, "Severe"),
        (13, "Severe"),
        (14, "Extremely severe"),
        (21, "Extremely severe"),
    ],
    "anxiety": [
        (3, "Normal"),
        (4, "Mild"),
        (5, "Moderate"),
        (7, "Moderate"),
        (8, "Severe"),
        (9, "Severe"),
        (10, "Extremely severe"),
    ],
    "stress": [
        (7, "Normal"),
        (8, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (12, "Moderate"),
        (13, "Severe"),
        (16, "Severe"),
        (17, "Extremely severe"),
    ],
}


@pytest.mark.parametrize(
    ("subscale", "raw", "band"),
    [(name, raw, band) for name, rows in DASS_BANDS.items() for raw, band in rows],
)
def test_dass21_doubles_each_subscale_and_bands_it(subscale, raw, band):
    answers = dict.fromkeys(range(1, 22), 0)
    for number, value in zip(DASS_ITEMS[subscale], spread(raw, 7, 3).values(), strict=True):
        answers[number] = value
    result = score(DEFINITIONS["dass21"], answers)
    assert result.subscales[subscale] == raw * 2
    assert result.subscale_bands[subscale] == band
    others = set(DASS_ITEMS) - {subscale}
    assert all(result.subscales[other] == 0 for other in others)


def test_scs_subscales_are_unreversed_means_and_the_total_reverses_negative_items():
    answers = dict.fromkeys(range(1, 27), 3) | {1: 5}  # item 1 is Self-Judgment
    result = score(DEFINITIONS["scs"], answers)
    assert result.subscales["self-judgment"] == pytest.approx(3.4)  # (5 + 3*4) / 5
    assert result.subscales["self-kindness"] == 3.0
    assert result.total == pytest.approx(2.92)  # (1 + 25*3) / 26 = 2.923…
    assert result.band == "Moderate"


@pytest.mark.parametrize(("value", "total", "band"), [(1, 3.0, "Moderate"), (5, 3.0, "Moderate")])
def test_scs_all_same_answers_balance_to_the_midpoint(value, total, band):
    # 13 positive items at `value` and 13 reversed negative items at 6 - value.
    result = score(DEFINITIONS["scs"], dict.fromkeys(range(1, 27), value))
    assert (result.total, result.band) == (total, band)


def test_scs_bands_low_and_high():
    negative = [1, 2, 4, 6, 8, 11, 13, 16, 18, 20, 21, 24, 25]
    kind = {n: (1 if n in negative else 5) for n in range(1, 27)}
    harsh = {n: (5 if n in negative else 1) for n in range(1, 27)}
    assert score(DEFINITIONS["scs"], kind).band == "High"  # every item scores 5
    assert score(DEFINITIONS["scs"], harsh).band == "Low"  # every item scores 1


def test_scs_sf_reverses_items_1_4_8_9_11_12():
    answers = dict.fromkeys(range(1, 13), 5)
    result = score(DEFINITIONS["scs-sf"], answers)
    assert result.total == 3.0  # (6*5 + 6*1) / 12
    answers = {n: (1 if n in {1, 4, 8, 9, 11, 12} else 5) for n in range(1, 13)}
    assert score(DEFINITIONS["scs-sf"], answers).total == 5.0


def test_fscrs_subscale_sums_and_item_9_risk():
    answers = dict.fromkeys(range(1, 23), 4)
    result = score(DEFINITIONS["fscrs"], answers)
    assert result.subscales == {"inadequate-self": 36, "hated-self": 20, "reassured-self": 32}
    assert result.total is None
    assert result.risk_items == (9,) and result.high_priority_risk_items == (9,)
    calm = score(DEFINITIONS["fscrs"], dict.fromkeys(range(1, 23), 0) | {3: 2, 5: 1})
    assert calm.subscales == {"inadequate-self": 0, "hated-self": 0, "reassured-self": 3}
    assert calm.risk_items == ()


@pytest.mark.parametrize(
    ("key", "items", "top"),
    [("fcs-to-others", 10, 40), ("fcs-from-others", 13, 52), ("fcs-self", 15, 60), ("oas2", 8, 32)],
)
def test_fears_of_compassion_and_oas2_are_plain_sums(key, items, top):
    definition = DEFINITIONS[key]
    assert definition.item_count == items
    assert score(definition, dict.fromkeys(range(1, items + 1), 4)).total == top
    assert score(definition, dict.fromkeys(range(1, items + 1), 0)).total == 0
    assert score(definition, spread(7, items, 4)).total == 7


@pytest.mark.parametrize("key", ["ceas-self", "ceas-to-others", "ceas-from-others"])
def test_ceas_ignores_its_filler_items(key):
    definition = DEFINITIONS[key]
    answers = dict.fromkeys(range(1, 14), 10)
    assert score(definition, answers).subscales == {"engagement": 60, "action": 40}
    fillers_low = answers | {3: 1, 7: 1, 11: 1}
    assert score(definition, fillers_low).subscales == {"engagement": 60, "action": 40}
    bottom = dict.fromkeys(range(1, 14), 1)
    assert score(definition, bottom).subscales == {"engagement": 6, "action": 4}
    # An unanswered filler item does not make the response incomplete.
    assert score(definition, answers | {7: None}).complete


def _answers(draw, definition, allow_missing: bool):
    values = st.integers(definition.scale.min, definition.scale.max)
    if allow_missing:
        values = st.one_of(st.none(), values)
    return {item.number: draw(values) for item in definition.items}


@settings(max_examples=40, deadline=None)
@given(data=st.data(), key=st.sampled_from(sorted(DEFINITIONS)))
def test_any_valid_answers_score_within_range(data, key):
    definition = DEFINITIONS[key]
    answers = _answers(data.draw, definition, allow_missing=False)
    result = score(definition, answers)
    assert result.complete
    rules = [r for r in [definition.total, *definition.subscales] if r is not None]
    for rule in rules:
        value = result.total if rule is definition.total else result.subscales[rule.key]
        count = 1 if rule.method == "mean" else len(rule.items)
        low = definition.scale.min * count * rule.multiplier
        high = definition.scale.max * count * rule.multiplier
        assert low <= value <= high
        if rule.bands:
            assert result.band if rule is definition.total else result.subscale_bands[rule.key]


@settings(max_examples=40, deadline=None)
@given(data=st.data(), key=st.sampled_from(sorted(DEFINITIONS)))
def test_a_missing_scored_item_always_leaves_its_scores_out(data, key):
    definition = DEFINITIONS[key]
    answers = _answers(data.draw, definition, allow_missing=True)
    result = score(definition, answers)
    for rule in [r for r in [definition.total, *definition.subscales] if r is not None]:
        value = result.total if rule is definition.total else result.subscales[rule.key]
        missing = any(answers[n] is None for n in rule.items)
        assert (value is None) == missing


@settings(max_examples=40, deadline=None)
@given(
    key=st.sampled_from(sorted(DEFINITIONS)),
    bad=st.one_of(st.integers(max_value=-1), st.integers(min_value=11)),
    position=st.integers(min_value=1, max_value=8),
)
def test_out_of_range_answers_are_refused(key, bad, position):
    definition = DEFINITIONS[key]
    answers = dict.fromkeys(range(1, definition.item_count + 1), definition.scale.min)
    with pytest.raises(AnswerError):
        score(definition, answers | {position: bad})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2,3", "has 9 items; got 3 answers"),
        ("1,2,0,3,1,0,2,1,x", "item 9: 'x' is not a whole number"),
        ("1,2,0,3,1,0,2,1,4", "item 9: 4 is outside 0 to 3"),
    ],
)
def test_answer_lists_are_checked(text, message):
    with pytest.raises(AnswerError, match=message):
        parse_answer_list(DEFINITIONS["phq9"], text)
