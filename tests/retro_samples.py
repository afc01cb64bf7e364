"""Retrospective snapshots for tests: a full one in the results engineer's shape, and a minimal older one."""

from typing import Any

from marts.metrics import METRICS


def full_snapshot(
    key: str = "red-banner",
    *,
    name: str = "Red banner with urgency",
    hypothesis: str = "A red banner with a 'selling fast' badge lifts conversion by 5% relative.",
    primary_metric: str = "conversion",
    rel_lift: float = 0.062,
    recommendation: str = "ship",
    decision_correct: bool | None = True,
) -> dict[str, Any]:
    """A two-variant experiment with a goal, a secondary metric, a guardrail, the truth and a verdict."""
    secondary = "revenue_per_visitor" if primary_metric != "revenue_per_visitor" else "conversion"
    return {
        "experiment": {
            "key": key,
            "name": name,
            "hypothesis": hypothesis,
            "primary_metric": primary_metric,
            "secondary_metrics": [secondary],
            "guardrails": [{"metric": "aov", "margin": 0.05, "margin_type": "relative"}],
            "variants": [
                {"name": "control", "weight": 50, "config": {}},
                {"name": "treatment", "weight": 50, "config": {"banner_color": "red", "urgency_badge": "selling_fast"}},
            ],
            "allocation": 100,
            "design": {"planned_units": 12000, "duration_days": 14},
        },
        "results": {
            "experiment_key": key,
            "alpha": 0.05,
            "correction": "holm",
            "control": "control",
            "warnings": ["Novelty: the effect was larger on day 1."],
            "srm": {
                "p_value": 0.62,
                "status": "ok",
                "observed": {"control": 6012, "treatment": 5988},
                "expected_share": {"control": 0.5, "treatment": 0.5},
                "message": "The split matches the planned weights.",
            },
            "metrics": [
                {
                    "metric": primary_metric,
                    "label": METRICS[primary_metric].label,
                    "kind": METRICS[primary_metric].kind,
                    "role": "goal",
                    "variants": [
                        {"variant": "control", "n": 6012, "mean": 0.1012},
                        {"variant": "treatment", "n": 5988, "mean": 0.1075},
                    ],
                    "comparisons": [
                        {
                            "variant": "treatment",
                            "vs": "control",
                            "abs_lift": 0.0063,
                            "abs_ci": [0.0012, 0.0114],
                            "rel_lift": rel_lift,
                            "rel_ci": [round(rel_lift - 0.05, 4), round(rel_lift + 0.051, 4)],
                            "p_value": 0.0153,
                            "p_value_adjusted": 0.0306,
                            "chance_to_beat": 0.992,
                            "expected_loss": 0.0004,
                            "cuped": None,
                            "error": None,
                            "message": "",
                        }
                    ],
                },
                {
                    "metric": secondary,
                    "label": METRICS[secondary].label,
                    "kind": METRICS[secondary].kind,
                    "role": "goal",
                    "variants": [
                        {"variant": "control", "n": 6012, "mean": 3.412},
                        {"variant": "treatment", "n": 5988, "mean": 3.501},
                    ],
                    "comparisons": [
                        {
                            "variant": "treatment",
                            "vs": "control",
                            "abs_lift": 0.089,
                            "abs_ci": [-0.05, 0.228],
                            "rel_lift": 0.026,
                            "rel_ci": [-0.015, 0.067],
                            "p_value": 0.21,
                            "p_value_adjusted": 0.21,
                            "chance_to_beat": 0.89,
                            "expected_loss": 0.002,
                            "cuped": None,
                            "error": None,
                            "message": "",
                        }
                    ],
                },
                {
                    "metric": "aov",
                    "label": "Average order value",
                    "kind": "ratio",
                    "role": "guardrail",
                    "variants": [
                        {"variant": "control", "n": 608, "mean": 33.71},
                        {"variant": "treatment", "n": 644, "mean": 32.57},
                    ],
                    "comparisons": [
                        {
                            "variant": "treatment",
                            "vs": "control",
                            "abs_lift": -1.14,
                            "abs_ci": [-2.9, 0.62],
                            "rel_lift": -0.034,
                            "rel_ci": [-0.086, 0.018],
                            "p_value": 0.2,
                            "p_value_adjusted": None,
                            "chance_to_beat": 0.1,
                            "expected_loss": 0.035,
                            "cuped": None,
                            "error": None,
                            "message": "",
                        }
                    ],
                },
            ],
            "guardrails": [
                {
                    "metric": "aov",
                    "variant": "treatment",
                    "verdict": "non_inferior",
                    "reasons": ["Average order value in treatment: no worse than −5.0% (bound −4.1%)."],
                }
            ],
            "decisions": [
                {
                    "variant": "treatment",
                    "verdict": recommendation,
                    "reasons": ["Ship treatment: a goal metric improved significantly and every guardrail is fine."],
                }
            ],
        },
        "decision": {
            "choice": "ship",
            "variant": "treatment",
            "recommendation": recommendation,
            "recommended_variant": "treatment",
            "reasons": ["Conversion rose and AOV held."],
        },
        "truth": {
            "state": "analytic",
            "control": "control",
            "run": {
                "effects": {
                    "treatment": {
                        primary_metric: {"absolute": 0.0051, "relative": 0.05},
                        secondary: {"absolute": 0.07, "relative": 0.02},
                        "aov": {"absolute": -0.6, "relative": -0.018},
                        "items_viewed": {"absolute": 0.1, "relative": 0.01},
                    }
                }
            },
        },
        "verdict": {
            "decision_correct": decision_correct,
            "rule": "Shipping was right: the true conversion effect is positive and AOV held.",
            "explanation": "The true lift on conversion is +5.0% and the guardrail held.",
            "ci_covered": {primary_metric: {"treatment": True}, "aov": {"treatment": False}},
        },
    }


def minimal_snapshot(key: str = "old-experiment") -> dict[str, Any]:
    """What an early version saved: a key and a hypothesis, nothing else."""
    return {"experiment": {"key": key, "hypothesis": "Free delivery at $15 lifts orders."}}
