"""The rubric coach on good and bad designs: structure, the OEC, guardrails, variants, error rates and the types.

Power, duration, peeking and multiple testing are in ``test_coach_rubric_power.py``. Expected numbers are computed
here independently (statsmodels for sample sizes), never copied from the coach's output.
"""

import copy
import json
import math
from typing import Any

import pytest
from statsmodels.stats.power import zt_ind_solve_power
from statsmodels.stats.proportion import proportion_effectsize

from coach import SEVERITIES, Critique, Finding, critique, hypothesis_input
from coach.findings import josa

BASELINE, MDE, DAILY = 0.10, 0.10, 2000


def good_spec(**design: Any) -> dict[str, Any]:
    """A well-formed builder spec: a red banner for conversion, sized for a 10% lift, run 3 whole weeks."""
    spec = {
        "key": "red-banner",
        "name": "Red banner",
        "hypothesis": "If we show a red banner, then conversion will increase by about 10%, because red draws the "
        "eye to the offer.",
        "allocation": 100,
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": {"banner_color": "red"}},
        ],
        "primary_metric": "conversion",
        "secondary_metrics": [],
        "guardrails": [{"metric": "revenue_per_visitor", "margin": 0.05, "margin_type": "relative"}],
        "design": {
            "alpha": 0.05,
            "power": 0.8,
            "mde": MDE,
            "mde_type": "relative",
            "baseline": BASELINE,
            "daily_visitors": DAILY,
            "planned_n_per_variant": 14745,
            "days": 21,
            "analysis_plan": "fixed",
            "builder": {
                "change": "Show a red banner",
                "direction": "increase",
                "expected": "10",
                "rationale": "red draws the eye to the offer banner",
                "persona": "",
            },
        },
    }
    spec["design"].update(design)
    return spec


def with_parts(**parts: Any) -> dict[str, Any]:
    spec = good_spec()
    spec["design"]["builder"].update(parts)
    return spec


def problems(result: Critique) -> set[str]:
    """Codes of everything that is not a "good" finding."""
    return {f.code for f in result.findings if f.severity != "good"}


def run(spec: dict[str, Any]) -> Critique:
    return critique(hypothesis_input(spec))


def n_needed(baseline: float, mde_rel: float, alpha: float = 0.05, power: float = 0.8) -> int:
    effect = proportion_effectsize(baseline * (1 + mde_rel), baseline)
    return math.ceil(zt_ind_solve_power(effect_size=effect, alpha=alpha, power=power, ratio=1.0))


# ----- the good design ------------------------------------------------------------------------------------------


def test_a_well_formed_design_has_no_blockers_or_warnings_and_says_what_is_right():
    result = run(good_spec())
    assert result.ready
    assert problems(result) == set()
    assert set(result.codes("good")) >= {
        "structure.complete",
        "oec.fits",
        "guardrails.ok",
        "power.ok",
        "duration.ok",
        "peeking.fixed",
        "multiple.single",
        "design.error_rates",
    }
    n = n_needed(BASELINE, MDE)
    days = math.ceil(n / (DAILY / 2))
    assert f"{n:,} visitors per variant take {days} days" in result.get("power.ok").reason[0]
    assert f"{n:,}명" in result.get("power.ok").reason[1] and f"{days}일" in result.get("power.ok").reason[1]


def test_the_same_input_gives_the_same_critique_and_it_serialises_to_json():
    spec = good_spec(analysis_plan="", days=10)
    first, second = run(spec), run(copy.deepcopy(spec))
    assert first == second
    data = json.loads(json.dumps(first.to_dict()))
    assert data["ready"] is True
    assert data["counts"] == first.counts()
    assert data["findings"][0]["title"]["ko"] == first.findings[0].title[1]
    assert {f["severity"] for f in data["findings"]} <= set(SEVERITIES)


def test_findings_are_ordered_blockers_warnings_suggestions_then_good():
    spec = with_parts(change="", rationale="better")
    spec["guardrails"] = []
    spec["secondary_metrics"] = ["aov", "checkout_rate"]
    severities = [f.severity for f in run(spec).findings]
    assert severities == sorted(severities, key=SEVERITIES.index)
    assert set(severities) == set(SEVERITIES)


# ----- structure --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "code", "severity"),
    [
        ({"change": ""}, "structure.change", "blocker"),
        ({"direction": ""}, "structure.direction", "blocker"),
        ({"direction": "sideways"}, "structure.direction", "blocker"),
        ({"expected": ""}, "structure.expected", "warning"),
        ({"expected": "about five"}, "structure.expected", "warning"),
        ({"rationale": ""}, "structure.rationale", "warning"),
        ({"rationale": "it will be better"}, "structure.vague_rationale", "suggestion"),
        ({"rationale": "users like it"}, "structure.vague_rationale", "suggestion"),
        ({"rationale": "더 좋아 보여서"}, "structure.vague_rationale", "suggestion"),
    ],
)
def test_each_missing_or_weak_part_of_the_hypothesis_is_one_finding(parts, code, severity):
    result = run(with_parts(**parts))
    assert problems(result) == {code}
    assert result.get(code).severity == severity
    assert result.ready is (severity != "blocker")
    assert "structure.complete" not in result.codes()


def test_a_missing_primary_metric_blocks():
    spec = good_spec()
    spec["primary_metric"] = ""
    result = run(spec)
    assert problems(result) == {"structure.metric"}
    assert not result.ready


def test_the_vague_rationale_is_quoted_with_its_word_count():
    finding = run(with_parts(rationale="it is nicer")).get("structure.vague_rationale")
    assert '"it is nicer", 3 word(s)' in finding.reason[0]
    assert "3단어" in finding.reason[1]


SENTENCES_OK = [
    "If we show a red banner, then conversion will increase by about 10%, because red draws the eye to the offer.",
    "빨간 배너를 보여 주면 전환율이 약 10% 늘어날 것이다. 근거: 빨간색이 할인 배너로 시선을 끌어 준다.",
]


@pytest.mark.parametrize("sentence", SENTENCES_OK)
def test_a_cli_spec_is_read_from_its_sentence_in_english_and_korean(sentence):
    spec = good_spec()
    del spec["design"]["builder"]
    spec["hypothesis"] = sentence
    parsed = hypothesis_input(spec)
    assert not parsed.from_builder
    assert (parsed.direction, parsed.expected) == ("increase", 10.0)
    assert parsed.change and parsed.rationale
    assert problems(run(spec)) == set()


def test_a_sentence_without_parts_gets_a_finding_for_each_missing_part():
    spec = good_spec()
    del spec["design"]["builder"]
    spec["hypothesis"] = "Make the shop nicer"
    assert problems(run(spec)) == {
        "structure.change",
        "structure.metric",
        "structure.direction",
        "structure.expected",
        "structure.rationale",
    }


def test_a_sentence_about_another_metric_than_the_oec_is_flagged():
    spec = good_spec()
    del spec["design"]["builder"]
    spec["hypothesis"] = "If we show a red banner, revenue will increase by 10%, because red draws the eye to offers."
    finding = run(spec).get("oec.hypothesis_metric")
    assert problems(run(spec)) == {"oec.hypothesis_metric"}
    assert "Revenue per visitor" in finding.reason[0] and "Conversion" in finding.reason[0]


# ----- the OEC ----------------------------------------------------------------------------------------------------


def test_a_price_knob_without_a_revenue_oec_or_guardrail_is_a_warning():
    spec = good_spec()
    spec["variants"][1]["config"] = {"discount_pct": 10}
    spec["guardrails"] = [{"metric": "checkout_rate", "margin": 0.05, "margin_type": "relative"}]
    result = run(spec)
    assert problems(result) == {"oec.price_unguarded"}
    assert "discount_pct" in result.get("oec.price_unguarded").reason[0]
    assert "oec.fits" not in result.codes()


@pytest.mark.parametrize("guard", ["aov", "revenue_per_visitor"])
def test_a_price_knob_with_a_revenue_guardrail_is_fine(guard):
    spec = good_spec()
    spec["variants"][1]["config"] = {"free_delivery_threshold": 15}
    spec["guardrails"] = [{"metric": guard, "margin": 0.05, "margin_type": "relative"}]
    assert problems(run(spec)) == set()


def test_an_oec_the_changed_knob_does_not_act_on_is_a_warning():
    spec = good_spec(baseline=0.3)
    spec["primary_metric"] = "checkout_rate"
    spec["hypothesis"] = "If we show a red banner, then checkout starts will increase by about 10%, because red."
    result = run(spec)
    assert problems(result) == {"oec.mismatch"}
    assert "banner_color" in result.get("oec.mismatch").reason[0]


def test_a_persona_hypothesis_gets_a_segment_suggestion_and_a_multiplicity_warning():
    result = run(with_parts(persona="impulsive"))
    assert problems(result) == {"oec.persona_segment", "oec.segment_multiplicity"}
    assert result.get("oec.persona_segment").severity == "suggestion"
    warning = result.get("oec.segment_multiplicity")
    assert warning.severity == "warning"
    luck = 1 - 0.95**5  # five personas, each tested at 5%
    assert f"{luck * 100:.3g}%" in warning.reason[0] and "5 segments" in warning.reason[0]
    assert "Impulsive" in result.get("oec.persona_segment").reason[0]
    assert "충동형" in result.get("oec.persona_segment").reason[1]


# ----- guardrails and variants ------------------------------------------------------------------------------------


def test_no_guardrails_is_a_warning_that_suggests_catalog_metrics():
    spec = good_spec()
    spec["guardrails"] = []
    finding = run(spec).get("guardrails.none")
    assert problems(run(spec)) == {"guardrails.none"}
    assert "Revenue per visitor" in finding.suggestion[0] and "Conversion" not in finding.suggestion[0]
    assert "방문자당 매출" in finding.suggestion[1]


def test_a_guardrail_on_the_oec_is_a_warning():
    spec = good_spec()
    spec["guardrails"].append({"metric": "conversion", "margin": 0.05, "margin_type": "relative"})
    assert problems(run(spec)) == {"guardrails.is_oec"}


@pytest.mark.parametrize(
    ("margin", "margin_type", "shown"),
    [(0.3, "relative", "30%"), (0, "relative", "above 0"), (-0.05, "relative", "above 0")],
)
def test_implausible_margins_are_warnings_with_the_number(margin, margin_type, shown):
    spec = good_spec()
    spec["guardrails"][0].update(margin=margin, margin_type=margin_type)
    result = run(spec)
    assert problems(result) == {"guardrails.margin"}
    assert shown in result.get("guardrails.margin").reason[0]


def test_an_absolute_rate_margin_above_20_points_is_a_warning():
    spec = good_spec()
    spec["guardrails"] = [{"metric": "checkout_rate", "margin": 0.25, "margin_type": "absolute"}]
    result = run(spec)
    assert problems(result) == {"guardrails.margin"}
    assert "25 percentage points" in result.get("guardrails.margin").reason[0]


def test_a_treatment_that_changes_nothing_is_a_warning_and_one_variant_blocks():
    spec = good_spec()
    spec["variants"][1]["config"] = {}
    assert problems(run(spec)) == {"variants.no_change"}
    spec["variants"] = spec["variants"][:1]
    assert problems(run(spec)) == {"variants.too_few"}


# ----- error rates ------------------------------------------------------------------------------------------------


def test_alpha_above_a_tenth_and_power_below_seventy_percent_are_warnings():
    result = run(good_spec(alpha=0.2))
    assert problems(result) == {"design.alpha"}
    assert "0.2" in result.get("design.alpha").reason[0]
    result = run(good_spec(power=0.5))
    assert problems(result) == {"design.power"}
    assert "50%" in result.get("design.power").reason[0]


# ----- robustness and the types -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        {},
        {"design": "not a dict", "variants": "nope", "guardrails": [None, 3], "secondary_metrics": None},
        {"variants": [{"name": 3, "weight": "heavy", "config": []}], "allocation": "lots", "hypothesis": 12},
        {"design": {"builder": {"expected": "5%", "direction": 1}, "alpha": "0.05", "mde": "x", "days": "2 weeks"}},
        {"primary_metric": "aov", "design": {"mde": 0.1, "baseline": 30, "daily_visitors": 100}},
        {"primary_metric": "conversion", "design": {"mde": 5, "baseline": 0.1, "daily_visitors": 100}},
    ],
)
def test_any_draft_is_read_and_critiqued_without_raising(spec):
    result = critique(hypothesis_input(spec))
    assert isinstance(result, Critique)
    json.dumps(result.to_dict())
    assert result.to_markdown("ko").strip() and result.to_markdown("en").strip()


def test_text_numbers_in_a_draft_are_read():
    parsed = hypothesis_input(good_spec(alpha="0.05", days="21", baseline="0.1") | {"allocation": "50%"})
    assert (parsed.alpha, parsed.days, parsed.baseline, parsed.allocation) == (0.05, 21, 0.1, 50.0)


def test_the_markdown_has_a_verdict_and_a_section_per_severity_present():
    result = run(with_parts(change="", rationale="better"))
    english, korean = result.to_markdown("en"), result.to_markdown("ko")
    assert english.startswith("**Not ready to launch**")
    assert "### Blockers" in english and "### Suggestions" in english and "### Warnings" not in english
    assert korean.startswith("**시작하기 전에 고칠 점이 있습니다**")
    assert "바꿀 점 없음" in korean


def test_a_finding_rejects_an_unknown_severity_or_field():
    with pytest.raises(ValueError, match="severity"):
        Finding("x", "fatal", ("a", "b"), ("a", "b"), ("a", "b"))
    with pytest.raises(ValueError, match="field"):
        Finding("x", "good", ("a", "b"), ("a", "b"), ("a", "b"), field="colour")


@pytest.mark.parametrize(
    ("word", "particles", "expected"),
    [
        ("전환율", ("은", "는"), "전환율은"),
        ("방문자당 주문 수", ("은", "는"), "방문자당 주문 수는"),
        ("AOV", ("이", "가"), "AOV이(가)"),
    ],
)
def test_korean_particles_follow_the_last_syllable(word, particles, expected):
    assert josa(word, *particles) == expected
