"""The ship rule: wins after adjustment, guardrails, SRM, and the reasons given."""

import pytest
from statsmodels.stats.multitest import multipletests

from marts.stats.decision import decide, decide_all
from marts.stats.frequentist import compare
from marts.stats.guardrails import GuardrailConfig, check_guardrail
from marts.stats.multiple import GoalComparison, adjust_goals
from marts.stats.srm import check_srm
from marts.stats.sufficient import SampleStats

N = 5000
CONTROL = SampleStats.from_proportion(N, 1000)  # 20%
BALANCED = check_srm({"A": N, "B": N})


def goal(metric: str, successes_t: int, variant: str = "B", higher_is_better: bool = True) -> GoalComparison:
    comparison = compare("binary", CONTROL, SampleStats.from_proportion(N, successes_t))
    return GoalComparison(metric, variant, comparison, higher_is_better)


def guardrail(successes_t: int, variant: str = "B", n: int = N, margin: float = 0.10):
    control = SampleStats.from_proportion(n, n // 5)
    comparison = compare("binary", control, SampleStats.from_proportion(n, successes_t))
    return check_guardrail(comparison, GuardrailConfig(margin), metric="checkout_rate", variant=variant)


def test_ships_when_a_goal_wins_after_adjustment_and_every_guardrail_is_non_inferior():
    guard = guardrail(1010)
    assert guard.verdict == "non_inferior"
    decision = decide_all([goal("conversion", 1150), goal("ctr", 1005)], [guard], BALANCED)["B"]
    assert decision.verdict == "ship"
    assert decision.reasons[0].startswith("Ship B")
    assert any(reason.startswith("conversion in B: improved") for reason in decision.reasons)


def test_a_raw_win_that_does_not_survive_adjustment_does_not_ship():
    goals = [goal("conversion", 1080)] + [goal(f"other_{i}", 1000) for i in range(4)]
    assert goals[0].comparison.p_value < 0.05
    adjusted = decide_all(goals, [guardrail(1010)], BALANCED)["B"]
    unadjusted = decide_all(goals, [guardrail(1010)], BALANCED, correction="none")["B"]
    assert adjusted.verdict == "inconclusive"
    assert unadjusted.verdict == "ship"
    assert any("not significant after Holm correction" in reason for reason in adjusted.reasons)


def test_guardrails_stay_out_of_the_family():
    goals = [goal("conversion", 1080), goal("ctr", 1030)]
    guards = [guardrail(1010), guardrail(990), guardrail(1000)]
    with_guards = decide_all(goals, guards, BALANCED)["B"]
    without = decide_all(goals, [], BALANCED)["B"]
    expected = multipletests([g.comparison.p_value for g in goals], method="holm")[1].tolist()
    assert [a.adjusted_p_value for a in with_guards.goals] == pytest.approx(expected)
    assert [a.adjusted_p_value for a in without.goals] == pytest.approx(expected)
    assert all(a.family_size == 2 for a in with_guards.goals)
    assert len(with_guards.guardrails) == 3


def test_a_warning_level_srm_blocks_shipping_with_a_reason():
    broken = check_srm({"A": N, "B": 5400})
    assert broken.status == "warning"
    decision = decide_all([goal("conversion", 1150)], [guardrail(1010)], broken)["B"]
    assert decision.verdict == "dont_ship"
    assert decision.reasons[0] == "Do not ship B: the split is broken."
    assert any("Sample ratio mismatch" in reason for reason in decision.reasons)
    assert decision.srm is broken


def test_an_srm_caution_is_reported_but_does_not_block():
    caution = check_srm({"A": 10_000, "B": 10_400})
    assert caution.status == "caution"
    decision = decide_all([goal("conversion", 1150)], [guardrail(1010)], caution)["B"]
    assert decision.verdict == "ship"
    assert any("Sample ratio caution" in reason for reason in decision.reasons)


def test_a_harmed_guardrail_means_dont_ship_even_with_a_win():
    guard = guardrail(850)
    assert guard.verdict == "harmed"
    decision = decide_all([goal("conversion", 1150)], [guard], BALANCED)["B"]
    assert decision.verdict == "dont_ship"
    assert decision.reasons[0] == "Do not ship B: a guardrail was harmed."
    assert guard.reasons[0] in decision.reasons


def test_a_goal_that_got_significantly_worse_means_dont_ship():
    decision = decide_all([goal("conversion", 850)], [guardrail(1000)], BALANCED)["B"]
    assert decision.verdict == "dont_ship"
    assert any("got worse" in reason for reason in decision.reasons)


def test_a_lower_is_better_goal_that_went_down_is_a_win():
    decision = decide_all([goal("bounce_rate", 850, higher_is_better=False)], [guardrail(1010)], BALANCED)["B"]
    assert decision.verdict == "ship"


@pytest.mark.parametrize(("horizon_reached", "verdict"), [(False, "keep_running"), (True, "inconclusive")])
def test_no_win_yet_is_keep_running_before_the_horizon_and_inconclusive_after(horizon_reached, verdict):
    decision = decide_all([goal("conversion", 1010)], [guardrail(1010)], BALANCED, horizon_reached=horizon_reached)
    assert decision["B"].verdict == verdict


def test_a_win_with_an_unproven_guardrail_does_not_ship():
    small_guard = guardrail(19, n=100)
    assert small_guard.verdict == "inconclusive"
    running = decide_all([goal("conversion", 1150)], [small_guard], BALANCED, horizon_reached=False)["B"]
    done = decide_all([goal("conversion", 1150)], [small_guard], BALANCED)["B"]
    assert (running.verdict, done.verdict) == ("keep_running", "inconclusive")
    assert small_guard.reasons[0] in done.reasons


def test_each_variant_gets_its_own_decision_from_one_family():
    goals = [goal("conversion", 1150, "B"), goal("conversion", 1000, "C")]
    guards = [guardrail(1010, "B"), guardrail(1010, "C")]
    decisions = decide_all(goals, guards, check_srm({"A": N, "B": N, "C": N}))
    assert list(decisions) == ["B", "C"]
    assert decisions["B"].verdict == "ship" and decisions["C"].verdict == "inconclusive"
    assert [g.variant for g in decisions["C"].goals] == ["C"]
    assert decisions["C"].goals[0].family_size == 2


def test_decide_ignores_other_variants_entries():
    adjusted = adjust_goals([goal("conversion", 1150, "B"), goal("conversion", 850, "C")])
    decision = decide("B", adjusted, [guardrail(1010, "B"), guardrail(700, "C")], BALANCED)
    assert decision.verdict == "ship"
    assert [g.variant for g in decision.guardrails] == ["B"]


def test_no_goal_metric_is_inconclusive_with_a_reason():
    decision = decide("B", [], [guardrail(1010)], BALANCED)
    assert decision.verdict == "inconclusive"
    assert any("no goal metric" in reason for reason in decision.reasons)


def test_a_goal_without_a_test_is_named_in_the_reasons():
    empty = GoalComparison("conversion", "B", compare("binary", CONTROL, SampleStats(0, 0.0, 0.0)))
    decision = decide_all([empty], [guardrail(1010)], BALANCED)["B"]
    assert decision.verdict == "inconclusive"
    assert any(reason.startswith("conversion in B: no test") for reason in decision.reasons)
    assert all(isinstance(reason, str) and reason for reason in decision.reasons)
