"""The Markdown export of a retrospective, from a full snapshot and from a minimal older one."""

import re
from datetime import datetime

from marts.retrospectives import Retrospective, headline, to_markdown
from tests.retro_samples import full_snapshot, minimal_snapshot


def _retro(snapshot, *, learnings="Urgency works.", outcome="win", coach=None, decision="ship"):
    experiment = snapshot.get("experiment")
    return Retrospective(
        retrospective_id="a1b2c3d4e5f60718",
        experiment_key=experiment.get("key", "k") if isinstance(experiment, dict) else "k",
        created_at=datetime(2026, 11, 3, 14, 5),
        decision=decision,
        outcome=outcome,
        learnings=learnings,
        snapshot=snapshot,
        coach_writeup=coach,
    )


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_full_snapshot_renders_every_section_in_order():
    text = to_markdown(_retro(full_snapshot()))
    titles = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert titles == [
        "Hypothesis",
        "Design",
        "Variants",
        "Results",
        "Guardrails",
        "Sample ratio (SRM)",
        "Decision",
        "The truth",
        "Learnings",
        "Coach write-up",
    ]
    assert text.startswith("# Retrospective: Red banner with urgency\n")
    assert "- **Saved:** 2026-11-03 14:05 UTC" in text
    assert "- **Outcome:** Win" in text
    assert text.endswith("_No coach write-up yet._\n")


def test_design_and_variants_name_the_metrics_margin_and_knobs():
    text = to_markdown(_retro(full_snapshot()))
    design = _section(text, "Design")
    assert "- **Primary metric:** Conversion (`conversion`)" in design
    assert "- **Secondary metrics:** Revenue per visitor" in design
    assert "- **Guardrails:** Average order value (≤ 5.00% drop)" in design
    assert "- **Traffic in the experiment:** 100%" in design
    assert "- **Planned units:** 12000" in design
    assert "- **Multiple-testing correction:** Holm" in design
    variants = _section(text, "Variants")
    assert '| treatment | 50 | banner_color = "red", urgency_badge = "selling_fast" |' in variants
    assert "| control | 50 | defaults |" in variants


def test_results_table_shows_estimates_intervals_and_p_values_per_metric():
    results = _section(to_markdown(_retro(full_snapshot())), "Results")
    assert "> **Warning:** Novelty: the effect was larger on day 1." in results
    assert "### Conversion (`conversion`, binary, goal)" in results
    assert "### Average order value (`aov`, ratio, guardrail)" in results
    # binary: means as percentages, absolute lift in percentage points
    assert (
        "| treatment | 5,988 | 10.75% | +0.63 pp | [+0.12, +1.14] pp | +6.20% | [+1.2%, +11.3%] | 0.0153 | 0.0306 "
        "| 99.2% | 0.04% |" in results
    )
    assert "| control | 6,012 | 10.12% | — | — | — | — | — | — | — | — |" in results
    # money: dollars, as the results page shows them
    assert "| treatment | 5,988 | $3.50 | +$0.09 | [−$0.05, +$0.23] | +2.60% | [−1.5%, +6.7%] | 0.21 |" in results


def test_guardrails_srm_decision_and_truth_are_spelled_out():
    text = to_markdown(_retro(full_snapshot(recommendation="inconclusive", decision_correct=False)))
    assert "| Average order value | treatment | Non-inferior | Average order value in treatment" in text
    srm = _section(text, "Sample ratio (SRM)")
    assert "- **Status:** Split as planned" in srm
    assert "- **p-value:** 0.62" in srm
    assert "| control | 6,012 | 50.1% | 50.0% |" in srm
    decision = _section(text, "Decision")
    assert "- **Your decision:** Ship" in decision
    assert "- **The ship rule recommended:** Inconclusive" in decision
    assert "- Conversion rose and AOV held." in decision
    truth = _section(text, "The truth")
    assert "- **Was the decision right?** Wrong" in truth
    assert "The true lift on conversion is +5.0% and the guardrail held." in truth
    assert "| Conversion | treatment | +5.00% | +0.51 pp | yes |" in truth
    assert "| Average order value | treatment | −1.80% | −$0.60 | no |" in truth
    assert "Items viewed" not in truth  # only the metrics that were analysed


def test_learnings_and_coach_write_up_are_kept_verbatim_and_pipes_are_escaped():
    snapshot = full_snapshot(hypothesis="Red | urgent banners sell")
    text = to_markdown(_retro(snapshot, learnings="배운 점: AOV를 먼저 본다.\n\n- second point", coach="Good call."))
    assert "배운 점: AOV를 먼저 본다.\n\n- second point" in _section(text, "Learnings")
    assert _section(text, "Coach write-up").strip().endswith("Good call.")
    assert "> Red | urgent banners sell" in text


def test_a_minimal_snapshot_renders_what_exists_and_says_what_is_missing():
    text = to_markdown(_retro(minimal_snapshot(), learnings="", outcome=None, decision="keep_running"))
    assert text.startswith("# Retrospective: old-experiment\n")
    assert "> Free delivery at $15 lifts orders." in text
    assert "- **Outcome:** Not set" in text
    assert "- **Decision:** Keep running" in text
    assert "_No design recorded._" in text
    assert "_No results were saved with this retrospective._" in text
    assert "_No guardrails were checked._" in text
    assert "_The truth was not revealed for this experiment._" in text
    assert "_No learnings written yet._" in text
    assert "## Variants" not in text and "## Sample ratio" not in text
    assert headline(_retro(minimal_snapshot())) is None


def test_an_empty_snapshot_and_odd_values_never_break_the_export():
    odd = {"experiment": "not a dict", "results": {"metrics": [None, {"metric": "x", "comparisons": "?"}]}}
    for snapshot in ({}, odd, {"truth": None, "verdict": {"decision_correct": "yes"}}):
        text = to_markdown(_retro(snapshot))
        assert text.startswith("# Retrospective: k\n")
        assert text.endswith("\n")


def _engine_snapshot():
    """The full sample with reasons and SRM text as the statistics engine writes them, and a Korean explanation."""
    snapshot = full_snapshot()
    snapshot["decision"]["reasons"] = [
        "Ship treatment: a goal metric improved significantly and every guardrail is non-inferior.",
        "conversion in treatment: improved +6.20%, significant after Holm correction (adjusted p = 0.0306, raw "
        "p = 0.0153).",
    ]
    snapshot["results"]["srm"]["message"] = (
        "Observed 6,012 / 5,988 units (control, treatment) against a planned 50.0% / 50.0% split: chi-square 0.05, "
        "p = 0.827, consistent with the plan."
    )
    snapshot["verdict"]["explanation_ko"] = "배포가 옳았습니다: 실제 전환율 효과가 양수입니다."
    snapshot["verdict"]["rule_ko"] = "배포는 1차 지표를 실제로 개선할 때 옳습니다."
    snapshot["experiment"]["design"] = {"alpha": 0.05, "power": 0.8, "mde": 0.05, "mde_type": "relative", "days": 14}
    return snapshot


def test_the_korean_export_words_headings_metrics_and_engine_sentences_in_korean():
    text = to_markdown(_retro(_engine_snapshot()), "ko")
    for heading in (
        "# 회고: ",
        "## 가설",
        "## 설계",
        "## 결과",
        "## 가드레일",
        "## 표본 비율(SRM)",
        "## 결정",
        "## 실제 효과",
    ):
        assert heading in text, heading
    assert "- **주요 지표:** 전환율 (`conversion`)" in text
    assert "- **나의 결정:** 배포" in text
    assert "- treatment 배포: 목표 지표가 유의하게 개선되었고 모든 가드레일이 비열등합니다." in text
    assert "treatment의 전환율: +6.20% 개선, Holm 보정 후 유의함 (보정 p = 0.0306, 원래 p = 0.0153)." in text
    assert "계획과 일치합니다." in text
    assert "배포가 옳았습니다: 실제 전환율 효과가 양수입니다." in text
    assert "- **판정 기준:** 배포는 1차 지표를 실제로 개선할 때 옳습니다." in text
    assert "- Ship treatment:" not in text and "consistent with the plan" not in text
    # The same numbers in both languages.
    english = to_markdown(_retro(_engine_snapshot()))
    assert "| treatment | 5,988 | 10.75% | +0.63 pp |" in english
    assert "| treatment | 5,988 | 10.75% | +0.63 pp |" in text


def test_design_settings_are_named_and_formatted():
    text = to_markdown(_retro(_engine_snapshot()))
    design = _section(text, "Design")
    assert "- **Power:** 80%" in design
    assert "- **Minimum detectable effect:** 5%" in design
    assert "- **MDE scale:** relative" in design
    assert "- **Planned days:** 14" in design
    assert design.count("Significance level (alpha)") == 1
    assert "Mde:" not in design
    korean = to_markdown(_retro(_engine_snapshot()), "ko")
    assert "- **최소 검출 효과(MDE):** 5%" in korean
    assert "- **MDE 기준:** 상대" in korean


def test_the_coach_write_up_is_exported_as_markdown_without_html_entities():
    coach = "## What happened\n\nThe lift held: p `<` 0.0001 & the guardrail held too.\n\n<b>not bold</b>\n"
    text = to_markdown(_retro(full_snapshot(), coach=coach))
    section = text[text.index("\n## Coach write-up\n") :]  # the last section; the write-up has headings of its own
    assert "The lift held: p `<` 0.0001 & the guardrail held too." in section
    assert "\\<b>not bold\\</b>" in section  # raw HTML stays text in any Markdown viewer
    assert not re.search(r"&(lt|gt|amp|quot|#\d+);", text)
