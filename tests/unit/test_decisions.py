"""The decision rules judged against the ground truth, interval coverage and the decision form's validation."""

import pytest

from novarium_app.lab import decisions
from novarium_app.lab.decisions import MEANINGFUL_LIFT, covers, form_problems, judge, reveal_rows
from swarm.plan import Plan
from swarm.truth import GroundTruth, ground_truth

TREATMENT = {"banner_color": "red", "discount_pct": 10, "urgency_badge": "selling_fast"}


def _table(values: dict[str, dict[str, float]]) -> dict:
    effects = {}
    for metric, by_variant in values.items():
        control = by_variant["control"]
        for variant, value in by_variant.items():
            if variant != "control":
                effect = {"absolute": value - control, "relative": (value - control) / control}
                effects.setdefault(variant, {})[metric] = effect
    return {"values": values, "persona_values": {}, "effects": effects, "persona_effects": {}}


def _truth(run: dict[str, dict[str, float]], lasting: dict[str, dict[str, float]] | None = None) -> GroundTruth:
    variants = list(next(iter(run.values())))
    return GroundTruth.from_dict(
        {
            "state": "analytic",
            "control": "control",
            "variants": variants,
            "metrics": list(run),
            "mix": {"rational": 1.0},
            "days": 1,
            "switches": {},
            "run": _table(run),
            "lasting": _table(lasting or run),
        }
    )


def _conversion(*treatments: float, aov: tuple[float, ...] = ()) -> dict[str, dict[str, float]]:
    names = ["control", *[f"t{i}" for i in range(1, len(treatments) + 1)]]
    values = {"conversion": dict(zip(names, (0.10, *treatments), strict=True))}
    if aov:
        values["aov"] = dict(zip(names, (30.0, *aov), strict=True))
    return values


def test_shipping_a_truly_better_variant_is_a_win():
    verdict = judge("ship", "t1", _truth(_conversion(0.104)), primary_metric="conversion")
    assert (verdict.decision_correct, verdict.outcome) == (True, "win")
    assert "+4.00%" in verdict.explanation[0] and "+4.00%" in verdict.explanation[1]


def test_shipping_a_truly_worse_variant_is_a_loss():
    verdict = judge("ship", "t1", _truth(_conversion(0.097)), primary_metric="conversion")
    assert (verdict.decision_correct, verdict.outcome) == (False, "loss")
    assert "worse" in verdict.explanation[0]


def test_shipping_a_variant_with_no_true_effect_is_flat_and_wrong():
    truth = ground_truth(Plan.build([("control", {}), ("words", {"banner_headline": "Dinner, sorted."})]))
    verdict = judge("ship", "words", truth, primary_metric="conversion")
    assert (verdict.decision_correct, verdict.outcome) == (False, "flat")


def test_shipping_a_winner_that_breaks_a_guardrail_is_a_loss():
    truth = _truth(_conversion(0.11, aov=(27.0,)))  # aov -10%
    verdict = judge("ship", "t1", truth, primary_metric="conversion", guardrails=[("aov", 0.05, "relative")])
    assert (verdict.decision_correct, verdict.outcome) == (False, "loss")
    assert "aov" in verdict.explanation[0]
    within = judge("ship", "t1", truth, primary_metric="conversion", guardrails=[("aov", 0.15, "relative")])
    assert within.outcome == "win"
    absolute = judge("ship", "t1", truth, primary_metric="conversion", guardrails=[("aov", 2.0, "absolute")])
    assert absolute.outcome == "loss"  # -3.00 is past an absolute margin of 2.00


def test_the_lasting_effect_decides_a_ship_once_novelty_wears_off():
    run, lasting = _conversion(0.105), _conversion(0.098)  # a novelty bump hides a lasting harm
    verdict = judge("ship", "t1", _truth(run, lasting), primary_metric="conversion")
    assert verdict.outcome == "loss"


def test_not_shipping_is_right_when_no_variant_is_a_real_win():
    small = 0.10 * (1 + MEANINGFUL_LIFT / 2)
    verdict = judge("dont_ship", None, _truth(_conversion(small, 0.095)), primary_metric="conversion")
    assert (verdict.decision_correct, verdict.outcome) == (True, "flat")


def test_not_shipping_a_real_win_is_a_missed_win():
    verdict = judge("dont_ship", None, _truth(_conversion(0.099, 0.106)), primary_metric="conversion")
    assert (verdict.decision_correct, verdict.outcome) == (False, "loss")
    assert "t2" in verdict.explanation[0] and "+6.00%" in verdict.explanation[0]


def test_a_win_that_breaks_a_guardrail_may_be_left_unshipped():
    truth = _truth(_conversion(0.11, aov=(27.0,)))
    verdict = judge("dont_ship", None, truth, primary_metric="conversion", guardrails=[("aov", 0.05, "relative")])
    assert verdict.decision_correct is True


def test_a_lower_is_better_primary_metric_flips_the_good_direction(monkeypatch):
    monkeypatch.setitem(decisions.METRICS_DIRECTION, "conversion", False)
    assert judge("ship", "t1", _truth(_conversion(0.095)), primary_metric="conversion").outcome == "win"
    assert judge("ship", "t1", _truth(_conversion(0.105)), primary_metric="conversion").outcome == "loss"


def test_keep_running_and_a_missing_truth_are_not_judged():
    truth = _truth(_conversion(0.11))
    assert judge("keep_running", None, truth, primary_metric="conversion").decision_correct is None
    assert judge("keep_running", None, truth, primary_metric="conversion").outcome == "inconclusive"
    assert judge("ship", "t1", None, primary_metric="conversion").decision_correct is None
    assert judge("ship", "ghost", truth, primary_metric="conversion").outcome == "inconclusive"
    with pytest.raises(ValueError, match="choice: must be one of"):
        judge("maybe", None, truth, primary_metric="conversion")


def test_a_real_analytic_truth_judges_the_red_banner():
    truth = ground_truth(Plan.build([("control", {}), ("treatment", TREATMENT)]))
    assert judge("ship", "treatment", truth, primary_metric="conversion").outcome == "win"
    assert judge("dont_ship", None, truth, primary_metric="conversion").outcome == "loss"
    guarded = judge("ship", "treatment", truth, primary_metric="conversion", guardrails=[("aov", 0.01, "relative")])
    assert guarded.outcome == "loss"  # the discount makes every order cheaper


@pytest.mark.parametrize(
    ("interval", "value", "covered"),
    [([0.1, 0.3], 0.2, True), ([0.1, 0.3], 0.1, True), ([0.1, 0.3], 0.31, False), ([None, 0.3], 0.2, None)],
)
def test_covers(interval, value, covered):
    assert covers(interval, value) is covered


def test_reveal_rows_put_each_estimate_next_to_its_true_effect():
    truth = _truth(_conversion(0.11))
    results = {
        "metrics": [
            {
                "metric": "conversion",
                "label": "Conversion",
                "kind": "binary",
                "role": "primary",
                "comparisons": [
                    {
                        "variant": "t1",
                        "abs_lift": 0.012,
                        "abs_ci": [0.002, 0.022],
                        "rel_lift": 0.12,
                        "rel_ci": [0.02, 0.22],
                    }
                ],
            },
            {"metric": "unknown", "label": "?", "kind": "binary", "role": "secondary", "comparisons": []},
        ]
    }
    rows = reveal_rows(results, truth)
    assert len(rows) == 1
    row = rows[0]
    assert row["true_abs"] == pytest.approx(0.01) and row["true_rel"] == pytest.approx(0.1)
    assert row["covered"] is True and "cuped_covered" not in row  # the readout's one interval is the one judged
    assert decisions.ci_covered(rows) == {"conversion": {"t1": True}}


def test_the_form_names_each_field_and_its_rule():
    assert form_problems("ship", "t1", "The banner works on impulsive shoppers.", ["t1"]) == {}
    problems = form_problems("ship", "", "short", ["t1", "t2"])
    assert problems["variant"][0] == "Variant: choose the variant to ship (t1, t2)."
    assert problems["learnings"][0] == "Learnings: write at least 10 characters about what you learned (5 so far)."
    assert problems["learnings"][1].startswith("배운 점:")
    assert set(form_problems("", "", "x" * 2001, ["t1"])) == {"choice", "learnings"}
    assert form_problems("dont_ship", "", "Nothing moved conversion.", ["t1"]) == {}
