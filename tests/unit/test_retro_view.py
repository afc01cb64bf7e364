"""The retrospective read model, the comparison rows and review mode's keyboard steps."""

import re
from datetime import datetime

import pytest

from marts.retrospectives import Retrospective, compare, retro_view
from marts.retrospectives.view import design_facts
from novarium_app.components.retro_cards import card_from, route_id
from novarium_app.components.retro_compare_rows import bilingual_rows
from novarium_app.components.retro_slide import step
from tests.retro_samples import full_snapshot, minimal_snapshot


def _retro(snapshot, *, retrospective_id="r1", decision="ship", outcome="win", learnings="", coach=None):
    return Retrospective(
        retrospective_id=retrospective_id,
        experiment_key=snapshot["experiment"]["key"],
        created_at=datetime(2026, 11, 3, 14, 5),
        decision=decision,
        outcome=outcome,
        learnings=learnings,
        snapshot=snapshot,
        coach_writeup=coach,
    )


def test_the_view_formats_the_headline_and_keeps_codes_for_words():
    view = retro_view(_retro(full_snapshot(decision_correct=False)))
    assert (view.name, view.saved, view.decision, view.outcome) == (
        "Red banner with urgency",
        "2026-11-03 14:05",
        "ship",
        "win",
    )
    assert (view.lift, view.lift_ci, view.lift_p, view.lift_variant) == (
        "+6.20%",
        "[+1.2%, +11.3%]",
        "0.0306",  # the adjusted p, as the results page's lift tile shows it
        "treatment",
    )
    assert view.lift_tone == "good"
    assert view.true_lift == "+5.00%"
    assert view.correct == "wrong"
    assert (view.primary_label, view.secondary, view.allocation, view.alpha) == (
        "Conversion",
        "Revenue per visitor",
        "100%",
        "0.05",
    )
    assert view.guardrail_design == "Average order value (≤ 5.00% drop)"
    assert [(f.label, f.value) for f in view.facts] == [("Planned units", "12000"), ("Duration days", "14")]
    assert [(v.name, v.config) for v in view.variants] == [
        ("control", ""),
        ("treatment", 'banner_color = "red", urgency_badge = "selling_fast"'),
    ]


def test_result_rows_mark_the_control_and_colour_lifts_by_the_metrics_good_direction():
    view = retro_view(_retro(full_snapshot()))
    conversion, revenue, aov = view.metrics
    assert (conversion.kind, conversion.role, aov.role) == ("binary", "goal", "guardrail")
    control, treatment = conversion.rows
    assert control.control and control.rel_lift == "—" and control.mean == "10.12%"
    assert not treatment.control
    assert (treatment.abs_lift, treatment.abs_ci, treatment.rel_lift) == ("+0.63 pp", "[+0.12, +1.14] pp", "+6.20%")
    assert (treatment.p_value, treatment.p_adjusted, treatment.chance, treatment.loss) == (
        "0.0153",
        "0.0306",
        "99.2%",
        "0.04%",
    )
    assert treatment.tone == "good"
    assert revenue.rows[1].tone == "neutral"  # the interval straddles zero
    assert aov.rows[1].p_adjusted == "—"


def test_a_harmful_lift_is_bad_and_a_drop_in_a_lower_is_better_metric_is_good():
    snapshot = full_snapshot(rel_lift=-0.09)
    assert retro_view(_retro(snapshot)).lift_tone == "bad"
    snapshot["results"]["metrics"][0]["higher_is_better"] = False
    assert retro_view(_retro(snapshot)).metrics[0].rows[1].tone == "good"


def test_guardrails_srm_rule_and_truth_rows():
    view = retro_view(_retro(full_snapshot()))
    assert [(g.metric, g.variant, g.verdict) for g in view.guardrails] == [
        ("Average order value", "treatment", "non_inferior")
    ]
    assert (view.srm_status, view.srm_p) == ("ok", "0.62")
    assert [(r.variant, r.units, r.observed, r.expected) for r in view.srm_rows] == [
        ("control", "6,012", "50.1%", "50.0%"),
        ("treatment", "5,988", "49.9%", "50.0%"),
    ]
    assert [(r.variant, r.verdict) for r in view.rule] == [("treatment", "ship")]
    assert view.truth_revealed
    assert [(r.metric_key, r.relative, r.covered) for r in view.truth_rows] == [
        ("conversion", "+5.00%", "yes"),
        ("revenue_per_visitor", "+2.00%", ""),
        ("aov", "−1.80%", "no"),
    ]


def test_a_minimal_snapshot_gives_an_empty_but_valid_view_and_card():
    view = retro_view(_retro(minimal_snapshot(), decision="keep_running", outcome=None))
    assert (view.name, view.hypothesis, view.outcome) == ("old-experiment", "Free delivery at $15 lifts orders.", "")
    assert (view.metrics, view.guardrails, view.srm_rows, view.truth_rows, view.variants) == ([], [], [], [], [])
    assert (view.lift, view.lift_variant, view.primary_label, view.srm_status) == ("—", "", "", "")
    assert not view.truth_revealed
    card = card_from(view)
    assert (card.href, card.metric_label, card.outcome, card.saved) == ("/retrospectives/r1", "", "", "2026-11-03")


def test_compare_rows_are_worded_in_both_languages_and_flag_differences():
    a = _retro(full_snapshot(), retrospective_id="a")
    b = _retro(minimal_snapshot(), retrospective_id="b", decision="keep_running", outcome=None)
    rows = {row.key: row for row in bilingual_rows(compare(a, b))}
    assert (rows["decision"].a_en, rows["decision"].a_ko, rows["decision"].b_ko) == ("Ship", "배포", "계속 진행")
    assert (rows["outcome"].a_ko, rows["outcome"].b_en) == ("성공", "—")
    assert (rows["decision_correct"].a_en, rows["decision_correct"].b_ko) == ("Right call", "판정 없음")
    assert (rows["primary_lift"].label_ko, rows["primary_lift"].a_en) == (
        "주요 지표 변화",
        "+6.20% (treatment vs control)",
    )
    assert rows["primary_lift"].a_ko == rows["primary_lift"].a_en  # without compare's Korean result, as given
    assert not rows["decision"].same
    assert rows["saved"].same
    worded = {row.key: row for row in bilingual_rows(compare(a, b), compare(a, b, "ko"))}
    assert (worded["primary_metric"].a_en, worded["primary_metric"].a_ko) == ("Conversion", "전환율")
    assert (worded["guardrails"].a_en, worded["guardrails"].a_ko) == ("1 non-inferior", "비열등 1개")
    assert worded["primary_lift"].a_ko == "+6.20% (control 대비 treatment)"


def test_the_korean_view_words_metrics_and_keeps_the_numbers():
    retro = _retro(full_snapshot())
    english, korean = retro_view(retro), retro_view(retro, "ko")
    assert (english.primary_label, korean.primary_label) == ("Conversion", "전환율")
    assert korean.guardrail_design == "평균 주문 금액 (하락 ≤ 5.00%)"
    assert [m.label for m in korean.metrics] == ["전환율", "방문자당 매출", "평균 주문 금액"]
    assert [r.metric for r in korean.truth_rows] == ["전환율", "방문자당 매출", "평균 주문 금액"]
    assert [[r.rel_ci for r in m.rows] for m in korean.metrics] == [[r.rel_ci for r in m.rows] for m in english.metrics]
    assert card_from(korean).metric_label_ko == "전환율"


@pytest.mark.parametrize(
    ("index", "key", "moved"),
    [
        (0, "ArrowRight", 1),
        (0, "j", 1),
        (0, "PageDown", 1),
        (3, "ArrowRight", 3),
        (2, "ArrowLeft", 1),
        (2, "k", 1),
        (0, "ArrowLeft", 0),
        (2, "Home", 0),
        (1, "End", 3),
        (1, "a", None),
        (1, "Escape", None),
    ],
)
def test_review_keys_move_within_the_bounds(index, key, moved):
    assert step(index, 4, key) == moved


def test_review_keys_do_nothing_without_slides_and_the_detail_route_yields_its_id():
    assert step(0, 0, "ArrowRight") is None
    assert route_id("/retrospectives/0a1b2c3d4e5f6789") == "0a1b2c3d4e5f6789"
    assert route_id("/retrospectives/0a1b2c3d4e5f6789/") == "0a1b2c3d4e5f6789"


def test_the_headline_follows_the_shipped_then_the_recommended_variant():
    snapshot = full_snapshot()
    conversion = snapshot["results"]["metrics"][0]
    other = {**conversion["comparisons"][0], "variant": "b", "rel_lift": 0.3, "rel_ci": [0.1, 0.5]}
    conversion["comparisons"].insert(0, other)
    assert retro_view(_retro(snapshot)).lift == "+6.20%"  # the shipped variant
    snapshot["decision"]["variant"] = None
    assert retro_view(_retro(snapshot)).lift == "+6.20%"  # the recommended one
    del snapshot["decision"]["recommended_variant"]
    view = retro_view(_retro(snapshot))
    assert (view.lift, view.lift_variant) == ("+30.00%", "b")  # the first treatment


def test_warnings_and_the_truths_explanation_are_kept():
    view = retro_view(_retro(full_snapshot()))
    assert view.warnings == ["Novelty: the effect was larger on day 1."]
    assert view.truth_explanation == "The true lift on conversion is +5.0% and the guardrail held."


def test_html_in_a_coach_write_up_is_shown_as_text_not_rendered():
    from marts.retrospectives.view import markdown_text_only

    text = markdown_text_only("**Good** <script>alert(1)</script> & <img src=x onerror=alert(2)>")
    assert text == "**Good** \\<script>alert(1)\\</script> & \\<img src=x onerror=alert(2)>"
    assert not re.search(r"(?<!\\)<[a-z/]", text)  # every tag start is escaped: Markdown shows it as text


def test_the_safe_markdown_stays_markdown_without_entities():
    from marts.retrospectives.view import markdown_text_only

    assert markdown_text_only("p `<` 0.0001 and p < 0.05 & q") == "p `<` 0.0001 and p < 0.05 & q"
    assert markdown_text_only("``a ` <b>`` <i>") == "``a ` <b>`` \\<i>"  # a code span shows its text as it is
    fenced = "Before\n```html\n<b>kept</b>\n```\n<b>after</b>"
    assert markdown_text_only(fenced) == "Before\n```html\n<b>kept</b>\n```\n\\<b>after\\</b>"
    assert markdown_text_only("<!-- x --> <?php") == "\\<!-- x --> \\<?php"


def test_the_design_facts_say_which_window_the_baseline_was_measured_over():
    design = {"baseline": 0.2707, "baseline_window_days": 28, "daily_visitors": 1352.1}
    english = [(f.label, f.value) for f in design_facts(design)]
    korean = [(f.label, f.value) for f in design_facts(design, "ko")]
    assert ("Baseline window (per visitor, days)", "28") in english and ("Baseline", "27.07%") in english
    assert ("기준값 기간(방문자당, 일)", "28") in korean


def test_the_planned_visitors_fact_is_named_and_counted_like_the_other_counts():
    facts = dict((f.label, f.value) for f in design_facts({"planned_visitors": 41190, "planned_n_per_variant": 20595}))
    assert facts == {
        "Planned visitors (the planned days' traffic)": "41,190",
        "Planned users per variant": "20,595",
    }
