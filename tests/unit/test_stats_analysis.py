"""``analyze_units`` in-process: guardrails and the ship rule, sequential, power and segments on one report."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower

from marts.stats.analysis import MDE_POWER, analyze_units
from marts.stats.decision import decide_all
from marts.stats.multiple import GoalComparison
from marts.stats.units import parse_guardrails, prepare_units

N = 20_000


def units(
    *,
    rates: dict[str, float] | None = None,
    latency: dict[str, float] | None = None,
    seed: int = 3,
    n: int = N,
) -> pd.DataFrame:
    """``n`` units per arm: ``bought`` (binary), ``latency`` (continuous, mean per arm) and a ``device`` segment."""
    rates = rates or {"a": 0.10, "b": 0.10}
    latency = latency or dict.fromkeys(rates, 100.0)
    rng = np.random.default_rng(seed)
    arm = np.repeat(list(rates), n)
    rate = np.array([rates[v] for v in arm])
    mean = np.array([latency[v] for v in arm])
    return pd.DataFrame(
        {
            "arm": arm,
            "bought": (rng.random(arm.size) < rate).astype(int),
            "latency": rng.normal(mean, 20.0),
            "device": rng.choice(["desktop", "mobile", "tablet"], arm.size, p=[0.5, 0.4, 0.1]),
        }
    )


def analyse(frame: pd.DataFrame, metrics=("bought",), guardrails=(), lower=(), segment=None, **options):
    data = prepare_units(
        frame,
        variant_col="arm",
        control="a",
        metrics=list(metrics),
        guardrails=parse_guardrails(guardrails),
        lower_is_better=lower,
        segment=segment,
    )
    return analyze_units(data, **options)


def comparison(report, metric: str, variant: str = "b"):
    (item,) = [c for m in report.metrics if m.metric == metric for c in m.comparisons if c.variant == variant]
    return item


# Guardrails and the ship rule.


def test_a_harmed_guardrail_blocks_a_winning_goal():
    frame = units(rates={"a": 0.10, "b": 0.13}, latency={"a": 100.0, "b": 110.0})
    report = analyse(frame, guardrails=["latency=2%"], lower=["latency"])
    guardrail = comparison(report, "latency").guardrail
    assert guardrail.verdict == "harmed" and guardrail.config.higher_is_better is False
    assert guardrail.bound == pytest.approx(0.1, abs=0.02)  # the upper bound of a +10% change
    (decision,) = report.decisions
    assert decision.variant == "b" and decision.verdict == "dont_ship"
    assert "a guardrail was harmed" in decision.reasons[0]
    assert any("bought in b: improved" in reason for reason in decision.reasons)
    assert report.to_dict()["decisions"] == [{"variant": "b", "verdict": "dont_ship", "reasons": decision.reasons}]


def test_a_winning_goal_with_a_non_inferior_guardrail_ships():
    report = analyse(units(rates={"a": 0.10, "b": 0.13}), guardrails=["latency=5%"], lower=["latency"])
    assert comparison(report, "latency").guardrail.verdict == "non_inferior"
    (decision,) = report.decisions
    assert decision.verdict == "ship" and decision.reasons[0].startswith("Ship b")


def test_an_absolute_margin_is_in_the_metric_units():
    frame = units(latency={"a": 100.0, "b": 101.0})
    tight, loose = (
        comparison(analyse(frame, guardrails=[f"latency={margin}"], lower=["latency"]), "latency").guardrail
        for margin in ("0.2", "3")
    )
    assert tight.config.relative is False and tight.config.margin == 0.2
    assert tight.verdict == "harmed" and loose.verdict == "non_inferior"
    assert tight.bound == pytest.approx(1.0, abs=0.6)  # in milliseconds, not a share


def test_guardrail_only_metrics_stay_out_of_the_family_and_a_guardrail_metric_stays_in_it():
    frame = units(rates={"a": 0.10, "b": 0.11})
    only = analyse(frame, guardrails=["latency=5%"])
    assert only.family_size == 1
    goal = comparison(only, "bought")
    assert goal.adjusted_p_value == pytest.approx(goal.comparison.p_value)  # Holm over a family of one
    assert comparison(only, "latency").adjusted_p_value is None
    roles = {m["metric"]: (m["role"], m["goal"], m["guardrail"]) for m in only.to_dict()["metrics"]}
    assert roles == {
        "bought": ("primary", True, None),
        "latency": ("guardrail", False, {"margin": 0.05, "margin_type": "relative", "relative": True, "text": "5%"}),
    }

    both = analyse(frame, metrics=("bought", "latency"), guardrails=["latency=5%"])
    assert both.family_size == 2
    assert comparison(both, "bought").adjusted_p_value == pytest.approx(min(1.0, 2 * goal.comparison.p_value))
    assert [m.role for m in both.metrics] == ["primary", "secondary"]
    assert comparison(both, "latency").guardrail is not None


def test_decisions_match_decide_all_on_the_same_goals_and_guardrails():
    frame = units(rates={"a": 0.10, "b": 0.12, "c": 0.095}, latency={"a": 100.0, "b": 100.0, "c": 104.0})
    report = analyse(frame, guardrails=["latency=2%"], lower=["latency"], correction="fdr_bh")
    goals = [GoalComparison("bought", v, comparison(report, "bought", v).comparison) for v in ("b", "c")]
    guardrails = [comparison(report, "latency", v).guardrail for v in ("b", "c")]
    expected = decide_all(goals, guardrails, report.srm, correction="fdr_bh")
    assert [d.variant for d in report.decisions] == ["b", "c"]
    for decision in report.decisions:
        assert decision.verdict == expected[decision.variant].verdict
        assert decision.reasons == expected[decision.variant].reasons
    assert {d.variant: d.verdict for d in report.decisions} == {"b": "ship", "c": "dont_ship"}


def test_lower_is_better_turns_the_direction_of_goals_and_the_bayesian_chance():
    frame = units(latency={"a": 100.0, "b": 98.0})
    down = analyse(frame, metrics=("latency",), lower=["latency"])
    up = analyse(frame, metrics=("latency",))
    assert down.decisions[0].verdict == "ship" and up.decisions[0].verdict == "dont_ship"
    assert comparison(down, "latency").chance_to_beat > 0.99 > 0.01 > comparison(up, "latency").chance_to_beat
    assert comparison(down, "latency").chance_to_beat == pytest.approx(1 - comparison(up, "latency").chance_to_beat)
    assert comparison(down, "latency").expected_loss < comparison(up, "latency").expected_loss
    assert down.to_dict()["metrics"][0]["higher_is_better"] is False


# Sequential.


@pytest.mark.parametrize("rates", [{"a": 0.10, "b": 0.10}, {"a": 0.10, "b": 0.12}, {"a": 0.10, "b": 0.102}])
def test_the_always_valid_p_value_and_interval_are_never_sharper_than_the_fixed_horizon_ones(rates):
    report = analyse(units(rates=rates, latency={"a": 100.0, "b": 100.6}), metrics=("bought", "latency"))
    for metric in ("bought", "latency"):
        item = comparison(report, metric)
        sequential = item.sequential.result
        assert sequential.p_value >= item.comparison.p_value
        assert sequential.ci_lower <= item.comparison.abs_ci[0] and sequential.ci_upper >= item.comparison.abs_ci[1]
        assert item.sequential.planned_units == 2 * N
        assert f"{2 * N:,} units" in sequential.tuning


def test_planned_units_tune_the_sequential_test_and_set_the_horizon():
    frame = units()
    observed = analyse(frame)
    planned = analyse(frame, planned_units=10 * N)
    reached = analyse(frame, planned_units=N)
    assert observed.decisions[0].verdict == "inconclusive" and reached.decisions[0].verdict == "inconclusive"
    assert planned.decisions[0].verdict == "keep_running"
    sequential = planned.to_dict()["metrics"][0]["comparisons"][0]["sequential"]
    assert sequential["planned_units"] == 10 * N and f"{10 * N:,} units" in sequential["tuning"]
    assert planned.to_dict()["planned_units"] == 10 * N and observed.to_dict()["planned_units"] is None
    with pytest.raises(ValueError, match="planned_units: must be an integer >= 2"):
        analyse(frame, planned_units=1)


# Power.


def test_the_binary_mde_matches_statsmodels_normal_ind_power():
    frame = units(rates={"a": 0.2, "b": 0.2}).iloc[: 2 * N - 5000]  # unequal arms: ratio != 1
    report = analyse(frame)
    item = comparison(report, "bought")
    n_c, n_t = report.metrics[0].variants[0].n, report.metrics[0].variants[1].n
    p_c = report.metrics[0].variants[0].mean
    # statsmodels' own power at our MDE is 80%; its solver (accurate to ~1e-6) lands on the same effect.
    h = 2 * math.asin(math.sqrt(p_c + item.mde.mde_abs)) - 2 * math.asin(math.sqrt(p_c))
    assert NormalIndPower().power(h, n_c, 0.05, ratio=n_t / n_c) == pytest.approx(0.8, abs=1e-9)
    solved = NormalIndPower().solve_power(effect_size=None, nobs1=n_c, alpha=0.05, power=0.8, ratio=n_t / n_c)
    expected = math.sin(math.asin(math.sqrt(p_c)) + solved / 2) ** 2 - p_c
    assert item.mde.mde_abs == pytest.approx(expected, rel=1e-5)
    assert item.mde.mde_rel == pytest.approx(expected / p_c, rel=1e-5)
    assert report.to_dict()["metrics"][0]["comparisons"][0]["mde"] == {
        "abs": item.mde.mde_abs, "rel": item.mde.mde_rel, "power": MDE_POWER, "n_control": n_c,
        "error": None, "message": "",
    }  # fmt: skip


def test_the_continuous_mde_is_the_standardized_effect_times_the_control_std():
    report = analyse(units(), metrics=("latency",), alpha=0.01)
    control = report.metrics[0].variants[0]
    item = comparison(report, "latency")
    d = item.mde.mde_abs / control.std
    assert NormalIndPower().power(d, control.n, 0.01, ratio=1.0) == pytest.approx(0.8, abs=1e-9)
    solved = NormalIndPower().solve_power(effect_size=None, nobs1=control.n, alpha=0.01, power=0.8, ratio=1.0)
    assert d == pytest.approx(solved, rel=1e-5)
    assert item.mde.mde_rel == pytest.approx(item.mde.mde_abs / control.mean)


# Segments.


def test_segments_break_every_metric_and_variant_down_with_the_warning():
    frame = units(rates={"a": 0.10, "b": 0.10, "c": 0.10})
    mobile_b = (frame.arm == "b") & (frame.device == "mobile")
    frame.loc[mobile_b, "latency"] += 5.0  # an effect in one segment only
    report = analyse(frame, metrics=("bought", "latency"), segment="device")
    assert [(s.metric, s.variant) for s in report.segments] == [
        ("bought", "b"), ("bought", "c"), ("latency", "b"), ("latency", "c"),
    ]  # fmt: skip
    for segment in report.segments:
        breakdown = segment.breakdown
        assert [row.value for row in breakdown.segments] == ["desktop", "mobile", "tablet"]
        assert breakdown.n_tested == 3 and "3 device segments" in breakdown.warning and "14%" in breakdown.warning
        raw = [row.comparison.p_value for row in breakdown.segments]
        assert [row.adjusted_p_value for row in breakdown.segments] == pytest.approx(
            multipletests(raw, method="holm")[1]
        )
        assert sum(row.comparison.n_control for row in breakdown.segments) == N
    latency_b = report.to_dict()["segments"][2]
    assert set(latency_b) >= {"metric", "variant", "dimension", "warning", "rows"}
    assert set(latency_b["rows"][0]) >= {
        "segment", "n_control", "n_treatment", "abs_lift", "rel_lift", "p_value", "p_value_adjusted",
    }  # fmt: skip
    mobile = next(row for row in latency_b["rows"] if row["segment"] == "mobile")
    assert mobile["p_value_adjusted"] < 0.05 and mobile["abs_lift"] == pytest.approx(5.0, abs=1.0)
    assert analyse(frame).segments == () and analyse(frame).to_dict()["segments"] == []


# The JSON shape.


def test_degenerate_data_gives_null_numbers_never_nan_and_keeps_every_key():
    frame = pd.DataFrame(
        {"arm": ["a", "b"] * 3, "bought": [0] * 6, "latency": [5.0] * 6, "device": ["x", "x", "y", "y", "y", "z"]}
    )
    report = analyse(frame, metrics=("bought", "latency"), guardrails=["latency=1%"], segment="device")
    payload = report.to_dict()
    json.dumps(payload, allow_nan=False)
    assert set(payload) >= {"alpha", "correction", "srm", "metrics", "decisions", "segments"}
    for metric in payload["metrics"]:
        (item,) = metric["comparisons"]
        assert set(item) >= {
            "variant", "vs", "abs_lift", "abs_ci", "rel_lift", "rel_ci", "p_value", "p_value_adjusted", "method",
            "chance_to_beat", "cuped", "sequential", "mde", "guardrail",
        }  # fmt: skip
        assert item["mde"]["abs"] is None and item["mde"]["message"]
        assert item["sequential"]["p_value"] is None and item["sequential"]["error"] == "zero_variance"
    assert payload["decisions"][0]["verdict"] == "inconclusive"
