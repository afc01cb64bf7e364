"""The rubric write-up: facts copied from the snapshot, Markdown in both languages, every number grounded.

Expected strings are formatted here from the snapshot's own values, and grounding is checked with C2's
``coach.grounding.check_grounding`` (which is itself shown to catch an invented number).
"""

import copy
import json
from datetime import datetime
from typing import Any

import pytest

from coach import rubric_writeup, writeup_facts
from coach.grounding import check_grounding
from marts.retrospectives import Retrospective
from marts.retrospectives.korean import sentence_ko
from marts.stats.decision import decide_all
from marts.stats.frequentist import Comparison, compare
from marts.stats.guardrails import GuardrailConfig, check_guardrail
from marts.stats.multiple import AdjustedComparison, GoalComparison
from marts.stats.srm import check_srm
from marts.stats.sufficient import SampleStats
from tests.retro_samples import full_snapshot, minimal_snapshot
from tests.unit.test_retro_korean import ENGLISH_WORDS, SENTENCES

LEARNINGS = "Urgency works on *impulsive* shoppers.\n# Not a heading\n<script>alert(1)</script> | pipes | too"


def retro(
    snapshot: dict[str, Any], *, decision: str = "ship", outcome: str | None = "win", learnings: str = ""
) -> Retrospective:
    key = snapshot.get("experiment", {}).get("key") or "some-key"
    return Retrospective("r1", key, datetime(2026, 5, 1, 12), decision, outcome, learnings, snapshot, None)


def comparison(snapshot: dict[str, Any], metric_index: int = 0) -> dict[str, Any]:
    return snapshot["results"]["metrics"][metric_index]["comparisons"][0]


def degenerate_snapshots() -> list[dict[str, Any]]:
    """Snapshots with pieces missing, wrong or broken."""
    no_truth = full_snapshot()
    no_truth["truth"] = None
    no_truth["verdict"] = {"decision_correct": None, "ci_covered": {}}
    errors = full_snapshot()
    for metric in errors["results"]["metrics"]:
        metric["comparisons"][0].update(
            abs_lift=None,
            abs_ci=[None, None],
            rel_lift=None,
            rel_ci=None,
            p_value=None,
            p_value_adjusted=None,
            chance_to_beat=None,
            error="zero_variance",
            message="Both arms have zero variance.",
        )
    junk = full_snapshot()
    junk["results"]["metrics"] = [
        None,
        "x",
        {"metric": "conversion", "variants": "no", "comparisons": [{"p_value": "low"}]},
    ]
    junk["results"]["srm"] = "broken"
    junk["experiment"]["variants"] = [{"name": "control"}, "treatment"]
    junk["experiment"]["guardrails"] = [{"metric": "aov"}]
    junk["decision"] = ["ship"]
    junk["verdict"] = {"ci_covered": {"conversion": "yes"}}
    unknown = full_snapshot()
    unknown["results"]["metrics"][0]["metric"] = "retired_metric"
    unknown["experiment"]["primary_metric"] = "retired_metric"
    return [minimal_snapshot(), {}, no_truth, errors, junk, unknown]


# ----- facts --------------------------------------------------------------------------------------------------------


def test_facts_copy_the_snapshot_numbers_with_their_derived_forms():
    snapshot = full_snapshot()
    facts = writeup_facts(retro(snapshot))
    json.dumps(facts, allow_nan=False)
    stored = comparison(snapshot)
    copied = facts["results"]["metrics"][0]["comparisons"][0]
    assert copied["rel_lift"] == stored["rel_lift"]
    assert copied["rel_lift_pct"] == pytest.approx(stored["rel_lift"] * 100)
    assert copied["rel_ci_pct"] == pytest.approx([v * 100 for v in stored["rel_ci"]])
    assert copied["abs_lift_pp"] == pytest.approx(stored["abs_lift"] * 100)
    assert (copied["p_value"], copied["p_value_adjusted"]) == (stored["p_value"], stored["p_value_adjusted"])
    assert copied["chance_to_beat_pct"] == pytest.approx(stored["chance_to_beat"] * 100)
    assert facts["results"]["srm"]["observed"] == snapshot["results"]["srm"]["observed"]
    assert facts["design"]["planned_n_per_variant"] == snapshot["experiment"]["design"]["planned_units"] // 2
    assert facts["design"]["days"] == snapshot["experiment"]["design"]["duration_days"]
    assert facts["truth"]["effects"]["treatment"]["conversion"]["relative_pct"] == pytest.approx(5.0)
    assert facts["decision"]["agrees_with_rule"] is True
    assert facts["truth"]["ci_covered"] == {"conversion": {"treatment": True}, "aov": {"treatment": False}}


def test_the_builder_design_is_copied_with_percent_forms():
    snapshot = full_snapshot()
    snapshot["experiment"]["design"] = {
        "alpha": 0.05,
        "power": 0.8,
        "mde": 0.05,
        "mde_type": "relative",
        "baseline": 0.1012,
        "daily_visitors": 1500.0,
        "planned_n_per_variant": 57000,
        "days": 28,
        "analysis_plan": "fixed",
    }
    facts = writeup_facts(retro(snapshot))
    design = facts["design"]
    assert (design["mde_pct"], design["baseline_pct"], design["planned_n_per_variant"]) == (5.0, 10.12, 57000)
    text = rubric_writeup(retro(snapshot))
    assert "alpha 0.05, power 0.8, MDE 5% (relative), baseline 10.12%, planned n per variant 57,000, 28 days" in text
    assert check_grounding(text, facts).ok


# ----- the write-up ---------------------------------------------------------------------------------------------


def test_the_english_write_up_states_results_decision_truth_and_learnings():
    snapshot = full_snapshot()
    text = rubric_writeup(retro(snapshot, learnings=LEARNINGS))
    stored = comparison(snapshot)
    low, high = stored["rel_ci"]
    for heading in (
        "## Context",
        "## Design",
        "## Results",
        "## Decision",
        "## What the ground truth showed",
        "## Learnings",
    ):
        assert heading in text
    assert f"{stored['rel_lift']:+.2%} [{low:+.2%}, {high:+.2%}]" in text
    assert f"{stored['abs_lift'] * 100:+.2f} pp" in text
    assert f"| {stored['p_value']} | {stored['p_value_adjusted']} |" in text
    assert "Split as planned (p = 0.62); observed control 6,012, treatment 5,988" in text
    assert "- The ship rule recommended: **Ship** (treatment)" in text
    assert "- You chose: **Ship** (treatment). In line with the rule." in text
    assert "Conversion +5.00%" in text and "The decision was **right**." in text
    assert "Average order value, treatment: the interval missed the true effect" in text
    assert "> " + snapshot["experiment"]["hypothesis"] in text


def test_learner_text_is_quoted_as_is_line_by_line():
    text = rubric_writeup(retro(full_snapshot(), learnings=LEARNINGS))
    for line in LEARNINGS.splitlines():
        assert f"\n> {line}\n" in text
    assert "\n# Not a heading" not in text


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_number_in_the_write_up_is_grounded_in_the_facts(language):
    for snapshot in [
        full_snapshot(),
        full_snapshot(primary_metric="revenue_per_visitor", rel_lift=-0.04),
        *degenerate_snapshots(),
    ]:
        item = retro(snapshot, learnings=LEARNINGS)
        text, facts = rubric_writeup(item, language), writeup_facts(item)
        grounding = check_grounding(text, facts)
        assert grounding.ok, grounding.describe()
    assert not check_grounding(text + "\nThe lift was 7.77%.", facts).ok


def test_the_korean_write_up_uses_korean_headings_and_words():
    text = rubric_writeup(retro(full_snapshot()), "ko")
    for heading in ("## 배경", "## 설계", "## 결과", "## 결정", "## 실제 효과(정답)", "## 배운 점"):
        assert heading in text
    assert "선택한 결정: **배포** (treatment). 규칙의 권고와 같습니다." in text
    assert "결정은 **옳았습니다**." in text
    assert "전환율" in text and "## Results" not in text


@pytest.mark.parametrize("index", range(6))
@pytest.mark.parametrize("language", ["en", "ko"])
def test_degenerate_snapshots_give_a_sensible_write_up(index, language):
    snapshot = degenerate_snapshots()[index]
    text = rubric_writeup(retro(snapshot, decision="dont_ship", outcome=None), language)
    assert text.startswith("# ")
    assert text.count("\n## ") == 6
    assert "None" not in text and "nan" not in text.lower()
    json.dumps(writeup_facts(retro(snapshot)), allow_nan=False)


def test_errors_in_comparisons_are_said_not_computed():
    snapshot = degenerate_snapshots()[3]
    text = rubric_writeup(retro(snapshot))
    assert "not computed: Both arms have zero variance." in text


def test_no_truth_says_so():
    text = rubric_writeup(retro(degenerate_snapshots()[2], decision="keep_running", outcome="inconclusive"))
    assert "The ground truth was not revealed" in text


# ----- lessons ------------------------------------------------------------------------------------------------------


def lesson_codes(snapshot: dict[str, Any], decision: str = "ship") -> list[str]:
    return [lesson["code"] for lesson in writeup_facts(retro(snapshot, decision=decision))["lessons"]]


def test_a_shipped_srm_warning_and_a_decision_against_the_rule_are_lessons():
    snapshot = full_snapshot(recommendation="dont_ship", decision_correct=False)
    snapshot["results"]["srm"].update(status="warning", p_value=0.0004)
    snapshot["verdict"]["ci_covered"] = {}
    assert lesson_codes(snapshot) == ["srm_shipped", "against_rule", "wrong_decision"]
    text = rubric_writeup(retro(snapshot))
    assert "failed the SRM check (p = 0.0004), yet the variant shipped" in text
    assert "You chose Ship where the ship rule said Don't ship" in text
    korean = rubric_writeup(retro(snapshot), "ko")
    assert "배포 규칙의 권고는 배포 안 함이었지만 배포를 선택했습니다." in korean


def test_at_most_three_lessons_most_serious_first():
    snapshot = full_snapshot(recommendation="dont_ship", decision_correct=False)
    snapshot["results"]["srm"]["status"] = "warning"
    assert lesson_codes(snapshot) == ["srm_shipped", "against_rule", "wrong_decision"]


def test_an_inconclusive_result_below_the_planned_n_is_a_lesson_with_both_numbers():
    snapshot = full_snapshot()
    snapshot["experiment"]["design"] = {"planned_n_per_variant": 8000}
    stored = comparison(snapshot)
    stored.update(rel_ci=[-0.01, 0.13], p_value=0.09, p_value_adjusted=0.18)
    snapshot["verdict"]["ci_covered"] = {}
    assert lesson_codes(snapshot) == ["inconclusive_low_n"]
    text = rubric_writeup(retro(snapshot))
    assert "inconclusive with 5,988 visitors per variant, below the planned 8,000" in text


def test_a_sound_process_is_said_when_nothing_went_wrong():
    snapshot = full_snapshot()
    snapshot["verdict"]["ci_covered"] = {"conversion": {"treatment": True}}
    assert lesson_codes(snapshot) == ["sound"]


def test_the_facts_do_not_change_the_snapshot():
    snapshot = full_snapshot()
    before = copy.deepcopy(snapshot)
    rubric_writeup(retro(snapshot), "ko")
    assert snapshot == before


# ----- the engine's sentences in the Korean write-up ---------------------------------------------------------------


def _rate(n: int, rate: float) -> SampleStats:
    return SampleStats.from_proportion(n, round(n * rate))


def _comparison_row(goal: AdjustedComparison | None, comparison: Comparison, variant: str) -> dict[str, Any]:
    """A comparison as ``marts.results`` stores it."""
    return {
        "variant": variant,
        "vs": "control",
        "abs_lift": comparison.abs_lift,
        "abs_ci": list(comparison.abs_ci),
        "rel_lift": comparison.rel_lift,
        "rel_ci": list(comparison.rel_ci),
        "p_value": comparison.p_value,
        "p_value_adjusted": goal.adjusted_p_value if goal else None,
        "chance_to_beat": None,
        "error": comparison.error.value if comparison.error else None,
        "message": comparison.message,
    }


def engine_snapshot() -> dict[str, Any]:
    """A snapshot whose results the statistics engine computed and whose reasons and messages it wrote: conversion
    improved, the AOV guardrail held, the split needs caution, and a secondary metric could not be compared."""
    goal = compare("binary", _rate(5000, 0.10), _rate(5000, 0.13))
    broken = compare("binary", _rate(5000, 0.10), SampleStats(0, 0.0, 0.0))
    guard = check_guardrail(
        compare("binary", _rate(50000, 0.2), _rate(50000, 0.2)),
        GuardrailConfig(0.05),
        metric="aov",
        variant="treatment",
    )
    srm = check_srm({"control": 5000, "treatment": 4700})
    decision = decide_all([GoalComparison("conversion", "treatment", goal)], [guard], srm)["treatment"]
    snapshot = full_snapshot()
    results = snapshot["results"]
    results["srm"].update(status=srm.status, p_value=srm.p_value, observed={"control": 5000, "treatment": 4700})
    results["srm"]["message"] = srm.message
    primary, secondary = results["metrics"][0], results["metrics"][1]
    primary["variants"] = [
        {"variant": "control", "n": 5000, "mean": goal.control_mean},
        {"variant": "treatment", "n": 4700, "mean": goal.treatment_mean},
    ]
    primary["comparisons"] = [_comparison_row(decision.goals[0], goal, "treatment")]
    secondary["comparisons"] = [_comparison_row(None, broken, "treatment")]
    results["guardrails"] = [
        {"metric": "aov", "variant": "treatment", "verdict": guard.verdict, "reasons": list(guard.reasons)}
    ]
    results["decisions"] = [{"variant": "treatment", "verdict": decision.verdict, "reasons": list(decision.reasons)}]
    snapshot["decision"].update(recommendation=decision.verdict, reasons=list(decision.reasons))
    snapshot["verdict"].update(
        explanation="Right call: treatment truly lifts the primary metric (+5.00%, its lasting effect) and keeps "
        "every guardrail within its margin.",
        explanation_ko="옳은 결정입니다. treatment은(는) 1차 지표를 실제로 올리고(지속 효과 +5.00%) 모든 가드레일을 "
        "허용 범위 안에 지킵니다.",
    )
    return snapshot


def engine_sentences(snapshot: dict[str, Any]) -> list[str]:
    """Every English sentence the engine wrote into ``snapshot`` that a write-up shows."""
    results = snapshot["results"]
    found = [reason for d in results["decisions"] for reason in d["reasons"]]
    found += [reason for g in results["guardrails"] for reason in g["reasons"]]
    found += [c["message"] for m in results["metrics"] for c in m["comparisons"] if c["message"]]
    return [*found, snapshot["verdict"]["explanation"]]


def test_the_korean_write_up_shows_the_engine_sentences_in_korean_and_stays_grounded():
    snapshot = engine_snapshot()
    sentences = engine_sentences(snapshot)
    assert len(sentences) >= 6
    assert snapshot["decision"]["recommendation"] == "ship"
    item = retro(snapshot, learnings=LEARNINGS)
    english, korean = rubric_writeup(item), rubric_writeup(item, "ko")
    facts = writeup_facts(item)
    for sentence in sentences:
        assert sentence in english
        assert sentence not in korean, sentence
    for sentence in sentences[:-1]:
        assert sentence_ko(sentence) in korean
    assert snapshot["verdict"]["explanation_ko"] in korean
    decision = korean[korean.index("## 결정") : korean.index("## 실제 효과")]
    guardrails = korean[korean.index("가드레일:\n") : korean.index("## 결정")]
    assert not ENGLISH_WORDS.findall(decision + guardrails), decision + guardrails
    assert "계산 불가: treatment: 단위 없음" in korean
    for text in (english, korean):
        grounding = check_grounding(text, facts)
        assert grounding.ok, grounding.describe()


@pytest.mark.parametrize("sentence", SENTENCES)
def test_every_engine_sentence_reads_in_korean_in_the_write_up_with_grounded_numbers(sentence):
    snapshot = full_snapshot()
    snapshot["decision"]["reasons"] = [sentence]
    snapshot["results"]["guardrails"][0]["reasons"] = [sentence]
    comparison(snapshot, 1).update(error="no_units", message=sentence)
    item = retro(snapshot)
    korean = rubric_writeup(item, "ko")
    assert sentence not in korean
    assert korean.count(sentence_ko(sentence)) == 3
    grounding = check_grounding(korean, writeup_facts(item))
    assert grounding.ok, grounding.describe()


def test_an_older_snapshot_without_a_korean_explanation_keeps_the_english_one():
    snapshot = full_snapshot()
    korean = rubric_writeup(retro(snapshot), "ko")
    assert snapshot["verdict"]["explanation"] in korean
    snapshot["verdict"]["explanation_ko"] = "실제 효과는 +5.0%이고 가드레일도 지켰습니다."
    korean = rubric_writeup(retro(snapshot), "ko")
    assert "실제 효과는 +5.0%이고 가드레일도 지켰습니다." in korean
    assert snapshot["verdict"]["explanation"] not in korean
    assert check_grounding(korean, writeup_facts(retro(snapshot))).ok
