"""The grounding check: which numbers a text states, what they may match, and the rubric's own write-ups."""

from datetime import datetime

import pytest

from coach.grounding import MARK, allowed_numbers, check_grounding, highlight, numbers_in
from coach.writeup import rubric_writeup, writeup_facts
from marts.retrospectives import Retrospective
from tests.retro_samples import full_snapshot, minimal_snapshot

FACTS = {
    "alpha": 0.05,
    "rel_lift": 0.0532,
    "abs_lift": -0.0063,
    "n": {"control": 6012, "treatment": 5988},
    "planned_units": 12000,
    "p_value": 0.0153,
    "guardrail": "no worse than −5.0% (bound −4.1%)",
    "significant": True,
    "missing": None,
}


def texts(text: str) -> list[str]:
    return [span.text for span in numbers_in(text)]


def retro(snapshot: dict, learnings: str = "") -> Retrospective:
    key = snapshot["experiment"]["key"]
    return Retrospective("r1", key, datetime(2025, 3, 1), "ship", "win", learnings, snapshot, None)


SAMPLES = [
    full_snapshot(),
    full_snapshot(primary_metric="revenue_per_visitor", rel_lift=-0.021, recommendation="dont_ship"),
    full_snapshot(key="aov-test", primary_metric="aov", rel_lift=0.004, decision_correct=False),
    full_snapshot(recommendation="keep_running", decision_correct=None),
    minimal_snapshot(),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rose 5.3% (p = 0.0153)", ["5.3%", "0.0153"]),
        ("n = 6,012 vs 5,988 visitors", ["6,012", "5,988"]),
        ("a change of −1.2 pp and +0.63 pp", ["−1.2 pp", "+0.63 pp"]),
        ("전환율이 +0.63%p 올랐고 6,012명이 14일 동안 참여했습니다", ["+0.63%p", "6,012", "14"]),
        ("p below 1e-4 and 2.5e-3", ["1e-4", "2.5e-3"]),
        ("about 12k users and 1.5M orders", ["12k", "1.5M"]),
        ("a range of 4-12% and ±0.5", ["12%", "±0.5"]),
        ("5.3 percent, 1.2 percentage points", ["5.3 percent", "1.2 percentage points"]),
    ],
)
def test_numbers_are_read_with_signs_separators_units_and_korean_text(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "variant-b2 beat H0 in v1.2.3",
        "3rd run of the 2nd test, 14d window",
        "saved on 2025-03-01 at 14:30:05",
        "1. First\n2. Second\n## 3. Third",
        "two variants, 2 variants, day 1, 10 arms, step 0",
        "a/b-2 and x_12 and 1/2",
    ],
)
def test_identifiers_dates_list_numbers_and_small_counts_are_text(text):
    assert texts(text) == []


def test_values_carry_their_unit_sign_and_rounding():
    five, minus, big, sci = numbers_in("5.3%, −1.20 pp, 6,000 and 1.5e-4")
    assert (five.value, five.unit, five.tolerance) == (5.3, "%", pytest.approx(0.05))
    assert (minus.value, minus.unit, minus.tolerance) == (-1.2, "pp", pytest.approx(0.005))
    assert (big.value, big.tolerance) == (6000, 500)  # trailing zeros read as rounding
    assert sci.value == pytest.approx(1.5e-4) and sci.tolerance == pytest.approx(0.5e-5)
    text = "5.3%, −1.20 pp"
    assert [text[s.start : s.end] for s in numbers_in(text)] == ["5.3%", "−1.20 pp"]


def test_allowed_numbers_add_percent_forms_absolute_values_confidence_and_numbers_in_strings():
    allowed = allowed_numbers(FACTS)
    for value in (0.0532, 5.32, 0.0063, 0.63, 6012, 0.95, 95, 5.0, 0.05, 4.1, 0.041, 12000):
        assert any(abs(a - value) < 1e-9 for a in allowed), value
    assert 1.0 not in allowed  # True is not a number


@pytest.mark.parametrize(
    "text",
    [
        "Conversion rose 5.3% relative (5.32%, 0.0532), +0.63 pp absolute, p = 0.0153 at the 95% level.",
        "It fell by 0.63 percentage points; 6,012 and 5,988 visitors; 12,000 planned; about 6,000 per arm.",
        "전환율이 5.3% 올랐고 (p = 0.015) 가드레일은 −5.0% 기준, 하한 −4.1%였습니다.",
        "The lift was 5%, the guardrail bound -4%.",
    ],
)
def test_stored_numbers_match_within_rounding(text):
    grounding = check_grounding(text, FACTS)
    assert grounding.ok, grounding.unmatched
    assert grounding.numbers


@pytest.mark.parametrize(
    ("text", "invented"),
    [
        ("Conversion rose 5.9% relative.", "5.9%"),
        ("Conversion rose 5.33% relative.", "5.33%"),  # more precision than stored
        ("We saw 6,013 visitors in control.", "6,013"),
        ("p = 0.0152", "0.0152"),
        ("The 90% interval", "90%"),
        ("전환율이 7.1% 올랐습니다", "7.1%"),
        ("12 days later", "12"),
    ],
)
def test_an_invented_number_is_caught_and_named(text, invented):
    grounding = check_grounding(text, FACTS)
    assert not grounding.ok
    assert [span.text for span in grounding.unmatched] == [invented]
    assert invented in grounding.describe()
    assert invented in grounding.describe("ko")


def test_highlight_marks_only_the_unmatched_numbers_as_inline_code():
    text = "**Lift 5.3%** but 5.9% in the table | 7.2% |"
    grounding = check_grounding(text, FACTS)
    assert highlight(text, grounding) == f"**Lift 5.3%** but {MARK}`5.9%` in the table | {MARK}`7.2%` |"
    assert highlight("all 5.3%", check_grounding("all 5.3%", FACTS)) == "all 5.3%"


def test_describe_and_to_dict():
    good = check_grounding("5.3% and 6,012", FACTS)
    assert good.describe() == "all 2 numbers match the stored experiment"
    bad = check_grounding("5.9% and 5.9% and 6,012", FACTS)
    assert bad.describe() == "2 numbers not found in the stored experiment: 5.9%"
    data = bad.to_dict()
    assert data["ok"] is False and [n["text"] for n in data["unmatched"]] == ["5.9%", "5.9%"]


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("snapshot", SAMPLES, ids=lambda s: s["experiment"]["key"])
def test_every_rubric_writeup_of_the_samples_is_grounded(snapshot, language):
    sample = retro(snapshot, learnings="We learned 3 things; AOV fell 1.14 dollars.")
    text = rubric_writeup(sample, language)
    grounding = check_grounding(text, writeup_facts(sample))
    assert grounding.ok, grounding.describe()
    if snapshot.get("results"):
        assert len(grounding.numbers) > 20  # the check really read the write-up's numbers


def test_an_invented_number_in_a_rubric_writeup_is_caught():
    sample = retro(full_snapshot())
    text = rubric_writeup(sample).replace("10.75%", "11.75%", 1)
    grounding = check_grounding(text, writeup_facts(sample))
    assert [span.text for span in grounding.unmatched] == ["11.75%"]
